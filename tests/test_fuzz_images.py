"""A bounded fuzz test of load_image: mutated bytes of real files only ever raise ImageError.

Every mutant either decodes to an RGB uint8 photo within the size limit or
raises ImageError; any other exception fails the test. Each decode must be
quick, and the peak memory of the process must not grow by more than a bound.
"""

import io
import resource
import time

import numpy as np
import pytest
from PIL import Image

from cnn_core import images

FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "TIFF")
MUTANTS_PER_FORMAT = 300
#: Seconds any single decode may take; far above the few milliseconds a small file needs.
SLOW_DECODE_S = 5.0
#: How much the process's peak memory may grow over all the mutants of one format.
MEMORY_GROWTH_MB = 300


def _original(file_format: str) -> bytes:
    generator = np.random.default_rng(7)
    pixels = generator.integers(0, 256, (48, 64, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, file_format)
    return buffer.getvalue()


def _mutants(data: bytes, seed: int):
    """Flipped bytes, overwritten runs, truncations and duplicated chunks, headers included."""
    generator = np.random.default_rng(seed)
    for _ in range(MUTANTS_PER_FORMAT):
        mutant = bytearray(data)
        kind = generator.integers(0, 4)
        if kind == 0:
            for position in generator.integers(0, len(mutant), generator.integers(1, 8)):
                mutant[position] = generator.integers(0, 256)
        elif kind == 1:
            start = int(generator.integers(0, min(64, len(mutant))))
            mutant[start : start + 4] = generator.integers(0, 256, 4, dtype=np.uint8).tobytes()
        elif kind == 2:
            mutant = mutant[: generator.integers(0, len(mutant))]
        else:
            start = int(generator.integers(0, len(mutant)))
            mutant = mutant[:start] + mutant[start : start + 256] * 3 + mutant[start:]
        yield bytes(mutant)


@pytest.mark.parametrize("file_format", FORMATS)
def test_mutated_files_raise_image_error_or_decode(file_format):
    peak_before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for number, mutant in enumerate(_mutants(_original(file_format), seed=FORMATS.index(file_format))):
        start = time.perf_counter()
        try:
            pixels = images.load_image(mutant, max_side=1024)
        except images.ImageError:
            pass
        else:
            assert pixels.dtype == np.uint8 and pixels.ndim == 3 and pixels.shape[2] == 3
            assert max(pixels.shape[:2]) <= 1024
        assert time.perf_counter() - start < SLOW_DECODE_S, f"mutant {number} took too long"
    peak_after_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak_after_mb - peak_before_mb < MEMORY_GROWTH_MB
