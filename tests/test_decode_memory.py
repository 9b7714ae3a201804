"""Decoding a photo at the pixel limit needs little more memory than the decoded picture, at any bit depth.

Each file is decoded in a fresh process, whose peak resident memory is compared with what it held just
before: a server runs several decodes, and one visitor's upload must not take the others' memory.
"""

import json
import subprocess
import sys
import threading

import numpy as np
import pytest
from PIL import Image

from cnn_core import images
from tests.conftest import ROOT

#: The largest square within the limit: 7071 × 7071 = 49,999,041 pixels.
SIDE = 7071
#: Run in a fresh process: its memory just before decoding, and its peak (VmHWM, the high-water mark of this
#: process's own memory; ru_maxrss would carry the parent's peak over fork and exec).
MEASURE = """
import json, sys
from cnn_core import images
data = open(sys.argv[1], "rb").read()
def status(field):
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) for line in lines if line.startswith(field + ":")) * 1024
before = status("VmRSS")
pixels = images.load_image(data)
print(json.dumps({"shape": list(pixels.shape), "before": before, "peak": status("VmHWM")}))
"""


def _gradient(dtype, high) -> np.ndarray:
    """A (SIDE, SIDE) ramp from 0 to ``high`` down the rows, so that even float pixels compress well."""
    ramp = np.linspace(0, high, SIDE, dtype=np.float64)
    return np.repeat(ramp[:, None], SIDE, axis=1).astype(dtype)


def _deep_file(folder, kind: str):
    path = folder / f"{kind}.tif"
    if kind == "16-bit":
        picture = Image.fromarray(_gradient(np.uint16, 65535))
    elif kind == "32-bit float":
        picture = Image.fromarray(_gradient(np.float32, 1.0))
    else:
        picture = Image.fromarray(_gradient(np.uint8, 255) > 127).convert("1")
    picture.save(path, compression="tiff_deflate")
    return path


@pytest.mark.parametrize("kind", ["16-bit", "32-bit float", "1-bit"])
def test_decoding_at_the_limit_stays_within_the_memory_budget(tmp_path, kind):
    path = _deep_file(tmp_path, kind)
    assert images.image_size(path.read_bytes()) == (SIDE, SIDE)
    result = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=ROOT, capture_output=True, text=True,
                            check=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    decoded = SIDE * SIDE * 3
    above_picture = measured["peak"] - measured["before"] - decoded
    print(f"{kind}: peak {measured['peak'] / 2**20:,.0f} MB, {above_picture / 2**20:,.0f} MB above the "
          f"{decoded / 2**20:,.0f} MB picture")
    assert measured["shape"] == [SIDE, SIDE, 3]
    assert above_picture <= images.MAX_DECODE_OVERHEAD_BYTES


def test_sixteen_bit_values_keep_their_scale_band_after_band():
    values = np.random.default_rng(0).integers(0, 65536, (600, 2000), dtype=np.uint16)  # several bands of rows
    image = images.load_image(_encoded(Image.fromarray(values)))
    np.testing.assert_array_equal(image[..., 0], images.round_to_uint8(values / 257))


def _encoded(picture: Image.Image) -> bytes:
    import io

    buffer = io.BytesIO()
    picture.save(buffer, "TIFF")
    return buffer.getvalue()


def test_a_second_large_decode_waits_for_the_first(monkeypatch):
    monkeypatch.setattr(images, "LARGE_PIXELS", 100)
    data = _encoded(Image.new("L", (20, 20), 128))
    assert images.load_image(data, wait=False).shape == (20, 20, 3)  # nobody else decoding
    with images._LARGE_DECODE:  # as another session's decode would hold it
        with pytest.raises(images.DecoderBusyError):
            images.load_image(data, wait=False)
        finished = threading.Event()
        waiting = threading.Thread(target=lambda: (images.load_image(data), finished.set()))
        waiting.start()
        assert not finished.wait(0.5)  # blocked while the turn is taken
    waiting.join(timeout=30)
    assert finished.is_set()


def test_a_small_image_never_waits(monkeypatch):
    with images._LARGE_DECODE:
        assert images.load_image(_encoded(Image.new("L", (20, 20), 128)), wait=False).shape == (20, 20, 3)


def test_a_page_asks_a_busy_decoder_without_waiting_then_waits_for_its_turn(monkeypatch):
    """The image picker first asks not to wait; told the decoder is busy, it says so and waits."""
    from streamlit.testing.v1 import AppTest

    def page():
        import io

        import numpy as np
        import streamlit as st
        from PIL import Image

        from cnn_core import images
        from ui import image_picker

        calls = []

        def load_image(data, max_side=None, wait=True):
            calls.append(wait)
            if not wait:
                raise images.DecoderBusyError("busy")
            return np.zeros((4, 6, 3), np.uint8)

        buffer = io.BytesIO()
        Image.new("L", (6, 4)).save(buffer, "PNG")
        images.load_image = load_image
        picked = image_picker._decode_or_report("huge.png", "upload:huge", buffer.getvalue)
        st.write(f"calls {calls}, shape {picked.pixels.shape}")

    monkeypatch.setattr(images, "load_image", images.load_image)  # put back after the page replaced it
    app = AppTest.from_function(page).run()
    assert not app.exception
    assert app.markdown[0].value == "calls [False, True], shape (4, 6, 3)"
