"""ui.probability_list: the text and bar length of each class, hand-computed."""

import numpy as np

from ui.probability_list import probability_lines


def test_each_class_gets_its_label_its_percentage_and_its_bar_length():
    lines = probability_lines(["Dress", "Bag"], np.array([0.9231, 0.0769], np.float32))
    assert [text for text, _ in lines] == ["Dress: 92.31 %", "Bag: 7.69 %"]
    assert np.allclose([length for _, length in lines], [0.9231, 0.0769])


def test_a_label_is_shown_literally_and_a_probability_a_hair_over_one_draws_a_full_bar():
    lines = probability_lines(["*Shirt*"], np.array([1.0000001]))
    assert lines == [("\\*Shirt\\*: 100.00 %", 1.0)]
