"""load_image on every kind of file a person may upload, and the image measures."""

import io
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from cnn_core import image_quality, images

SAMPLES = Path(__file__).resolve().parents[1] / "assets" / "samples"


def _encode(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def _gradient_rgb(width=40, height=30) -> np.ndarray:
    x = np.linspace(0, 255, width, dtype=np.uint8)
    return np.stack([np.tile(x, (height, 1))] * 3, axis=-1)


# Formats and modes --------------------------------------------------------------

@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF"])
def test_every_accepted_format_loads_as_rgb_uint8(image_format):
    data = _encode(Image.fromarray(_gradient_rgb()), image_format)
    image = images.load_image(data)
    assert image.shape == (30, 40, 3) and image.dtype == np.uint8


def test_png_pixels_are_exact():
    pixels = np.random.default_rng(0).integers(0, 256, (7, 9, 3), dtype=np.uint8)
    np.testing.assert_array_equal(images.load_image(_encode(Image.fromarray(pixels), "PNG")), pixels)


def test_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    data = _encode(Image.fromarray(_gradient_rgb(40, 30)), "JPEG", exif=exif)
    assert images.load_image(data).shape == (40, 30, 3)


def test_transparency_is_composited_on_white():
    rgba = np.zeros((4, 4, 4), np.uint8)  # black, fully transparent
    rgba[0, 0] = (255, 0, 0, 255)  # one opaque red pixel
    image = images.load_image(_encode(Image.fromarray(rgba), "PNG"))
    np.testing.assert_array_equal(image[0, 0], (255, 0, 0))
    np.testing.assert_array_equal(image[3, 3], (255, 255, 255))


def test_16_bit_grayscale_is_scaled_to_8_bit():
    values = np.array([[0, 257 * 128, 65535]], dtype=np.uint16)
    image = images.load_image(_encode(Image.fromarray(values), "PNG"))
    np.testing.assert_array_equal(image[0, :, 0], [0, 128, 255])


def test_palette_image_keeps_its_colours():
    palette = Image.new("P", (3, 2))
    palette.putpalette([0, 0, 0, 10, 200, 30] + [0] * 762)
    palette.putpixel((1, 1), 1)
    np.testing.assert_array_equal(images.load_image(_encode(palette, "PNG"))[1, 1], (10, 200, 30))


def test_grayscale_becomes_three_equal_channels():
    image = images.load_image(_encode(Image.new("L", (5, 5), 77), "PNG"))
    assert image.shape == (5, 5, 3) and (image == 77).all()


def test_cmyk_is_converted_to_rgb():
    image = images.load_image(_encode(Image.new("CMYK", (4, 4), (0, 255, 255, 0)), "TIFF"))
    np.testing.assert_array_equal(image[0, 0], (255, 0, 0))


def test_animation_contributes_its_first_frame():
    frames = [Image.new("RGB", (6, 6), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    assert images.load_image(buffer.getvalue())[0, 0, 0] > 200  # red, not blue


def test_max_side_downsizes_keeping_the_aspect_ratio():
    data = _encode(Image.fromarray(_gradient_rgb(400, 100)), "PNG")
    assert images.load_image(data, max_side=200).shape == (50, 200, 3)


def test_max_side_never_enlarges():
    data = _encode(Image.fromarray(_gradient_rgb(40, 30)), "PNG")
    assert images.load_image(data, max_side=1000).shape == (30, 40, 3)


def test_path_and_file_object_sources(tmp_path):
    path = tmp_path / "photo.png"
    Image.fromarray(_gradient_rgb()).save(path)
    from_path = images.load_image(path)
    with open(path, "rb") as file:
        np.testing.assert_array_equal(images.load_image(file), from_path)
    np.testing.assert_array_equal(images.load_image(str(path)), from_path)


def test_bundled_samples_load():
    for path in SAMPLES.glob("*.jpg"):
        assert images.load_image(path).ndim == 3


def test_image_size_reads_the_header():
    assert images.image_size(_encode(Image.fromarray(_gradient_rgb(40, 30)), "PNG")) == (40, 30)


# What it refuses, always as ImageError with a readable message ---------------------

def _png_claiming_size(width: int, height: int) -> bytes:
    data = bytearray(_encode(Image.new("L", (1, 1)), "PNG"))
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(data)


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"just some text, not a picture", "not an image this app can read"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG is a vector drawing"),
    (b"%PDF-1.4 fake", "not an image this app can read"),
])
def test_non_images_are_refused(data, message):
    with pytest.raises(images.ImageError, match=message):
        images.load_image(data)


def test_truncated_file_is_refused():
    data = _encode(Image.fromarray(np.random.default_rng(0).integers(0, 256, (64, 64, 3), np.uint8)), "JPEG")
    with pytest.raises(images.ImageError, match="truncated or corrupt"):
        images.load_image(data[: len(data) // 2])


@pytest.mark.parametrize("width, height", [(100_000, 100_000), (8000, 8000), (1, 60_000_000)])
def test_decompression_bombs_and_absurd_dimensions_are_refused_before_decoding(width, height):
    with pytest.raises(images.ImageError, match="megapixels"):
        images.load_image(_png_claiming_size(width, height))


def test_oversized_file_is_refused(monkeypatch):
    monkeypatch.setattr(images, "MAX_FILE_BYTES", 100)
    with pytest.raises(images.ImageError, match="the limit is"):
        images.load_image(b"x" * 101)


def test_missing_path_is_refused(tmp_path):
    with pytest.raises(images.ImageError, match="No image file"):
        images.load_image(tmp_path / "nowhere.png")


def test_image_error_is_a_value_error():
    assert issubclass(images.ImageError, ValueError)


def test_invalid_max_side_is_a_value_error():
    with pytest.raises(ValueError, match="max_side must be an integer >= 1"):
        images.load_image(b"", max_side=0)


# Noise and measures -------------------------------------------------------------

def test_to_grayscale_matches_bt601_weights():
    rgb = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]]], np.uint8)
    np.testing.assert_allclose(images.to_grayscale(rgb)[0], [76, 150, 29], atol=1)


def test_gaussian_noise_has_the_requested_spread():
    flat = np.full((200, 200), 128, np.uint8)
    noisy = image_quality.add_noise(flat, "gaussian", 0.1, seed=1)
    assert noisy.dtype == np.uint8
    assert np.std(noisy.astype(float)) == pytest.approx(25.5, rel=0.05)


def test_salt_and_pepper_hits_the_requested_fraction_with_black_and_white():
    flat = np.full((200, 200, 3), 128, np.uint8)
    noisy = image_quality.add_noise(flat, "salt_and_pepper", 0.2, seed=1)
    changed = (noisy != 128).any(axis=-1)
    assert changed.mean() == pytest.approx(0.2, abs=0.01)
    assert set(np.unique(noisy[changed])) == {0, 255}


def test_noise_is_reproducible_with_a_seed():
    flat = np.full((20, 20), 128, np.uint8)
    np.testing.assert_array_equal(image_quality.add_noise(flat, "gaussian", 0.2, 5),
                                  image_quality.add_noise(flat, "gaussian", 0.2, 5))


@pytest.mark.parametrize("kind, level", [("speckle", 0.1), ("gaussian", 1.5), ("gaussian", -0.1)])
def test_invalid_noise_arguments_are_refused(kind, level):
    with pytest.raises(ValueError, match="Received"):
        image_quality.add_noise(np.zeros((4, 4), np.uint8), kind, level)


def test_psnr_matches_opencv():
    rng = np.random.default_rng(2)
    clean = rng.integers(0, 256, (50, 50), dtype=np.uint8)
    noisy = image_quality.add_noise(clean, "gaussian", 0.05, seed=3)
    assert image_quality.psnr(clean, noisy) == pytest.approx(cv2.PSNR(clean, noisy), rel=1e-9)


def test_psnr_hand_case_and_identical_images():
    # Every pixel off by 1: MSE = 1, PSNR = 10 * log10(255^2) = 48.13 dB.
    assert image_quality.psnr(np.zeros((3, 3)), np.ones((3, 3))) == pytest.approx(48.1308, abs=1e-4)
    assert image_quality.psnr(np.ones((3, 3)), np.ones((3, 3))) == float("inf")


def test_edge_retention_is_one_for_the_reference_and_drops_with_blur():
    photo = images.to_grayscale(images.load_image(SAMPLES / "cat.jpg"))
    light_blur = cv2.GaussianBlur(photo, (3, 3), 0)
    heavy_blur = cv2.blur(photo, (9, 9))
    assert image_quality.edge_retention(photo, photo) == pytest.approx(1.0)
    assert 1 > image_quality.edge_retention(photo, light_blur) > image_quality.edge_retention(photo, heavy_blur)


def test_edge_retention_refuses_a_flat_reference():
    with pytest.raises(ValueError, match="flat"):
        image_quality.edge_retention(np.zeros((8, 8)), np.zeros((8, 8)))


def test_to_display_puts_zero_at_mid_grey_for_signed_maps():
    np.testing.assert_array_equal(images.to_display(np.array([[-10.0, 0.0, 5.0]])), [[1, 128, 192]])


def test_to_display_keeps_photo_range_values_and_scales_larger_ones():
    np.testing.assert_array_equal(images.to_display(np.array([[0.0, 100.0]])), [[0, 100]])
    np.testing.assert_array_equal(images.to_display(np.array([[0.0, 1020.0]])), [[0, 255]])


def test_encode_png_round_trips():
    pixels = np.random.default_rng(4).integers(0, 256, (5, 6, 3), dtype=np.uint8)
    np.testing.assert_array_equal(images.load_image(images.encode_png(pixels)), pixels)
