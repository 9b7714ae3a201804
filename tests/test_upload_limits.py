"""Per-visitor limits on what one upload asks of a shared server (ui/image_picker.uploads_within_limits)."""

from ui.image_picker import MAX_MEGABYTES_AT_ONCE, MAX_PHOTOS_AT_ONCE, uploads_within_limits
from ui.megabyte_bar import MEGABYTE


def test_files_within_both_limits_are_all_kept():
    assert uploads_within_limits([MEGABYTE] * 3) == 3


def test_no_files_keep_none():
    assert uploads_within_limits([]) == 0


def test_photos_beyond_the_count_are_left_out():
    assert uploads_within_limits([1000] * (MAX_PHOTOS_AT_ONCE + 5)) == MAX_PHOTOS_AT_ONCE


def test_the_file_that_goes_over_the_total_size_and_those_after_it_are_left_out():
    half = MAX_MEGABYTES_AT_ONCE * MEGABYTE // 2
    assert uploads_within_limits([half, half, 1, 1]) == 2  # exactly the total is allowed
    assert uploads_within_limits([half, half + 1, 1]) == 1  # the second goes over: it and the rest wait
