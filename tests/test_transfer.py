"""Transfer learning on VGG16's CNN codes, with VGG16's architecture and random weights in the official layout."""

import ast
import subprocess
import sys

import keras
import numpy as np
import pytest

from cnn_core import explain, from_scratch, model_store, models, transfer, transfer_code, vgg16
from tests.conftest import class_photos


@pytest.fixture(scope="module")
def classifier(random_vgg16_weights):
    return vgg16.Classifier.load(random_vgg16_weights)


@pytest.fixture(scope="module")
def photos_and_codes(classifier):
    photos, labels = class_photos()
    return photos, labels, transfer.cnn_codes(classifier, photos)


@pytest.fixture(scope="module")
def trained_head(photos_and_codes):
    _, labels, codes = photos_and_codes
    train, held_out = transfer.split_per_class(labels)
    head, history = transfer.fit_head(codes[train], labels[train], 2, validation=(codes[held_out], labels[held_out]))
    return head, history, held_out


def test_codes_equal_keras_own_vgg16_without_its_top_averaged(classifier, photos_and_codes):
    photos, _, codes = photos_and_codes
    reference = keras.applications.VGG16(include_top=False, pooling="avg", weights=None)
    reference.set_weights(classifier.model.get_weights()[: len(reference.get_weights())])
    batch = np.concatenate([vgg16.preprocess(photo) for photo in photos[:3]])
    assert codes.shape == (16, 512) and codes.dtype == np.float32
    np.testing.assert_allclose(codes[:3], reference.predict(batch, verbose=0), rtol=1e-4, atol=1e-6)


def test_codes_are_cached_by_photo_content_and_duplicates_computed_once(classifier):
    photos, _ = class_photos(per_class=2)
    cache, reports = {}, []
    first = transfer.cnn_codes(classifier, [*photos, photos[0].copy()], batch_size=2, cache=cache,
                               progress=lambda done, total: reports.append((done, total)))
    assert reports == [(2, 4), (4, 4)] and len(cache) == 4
    np.testing.assert_array_equal(first[0], first[-1])
    reports.clear()
    again = transfer.cnn_codes(classifier, photos[::-1], cache=cache, progress=lambda *done: reports.append(done))
    assert reports == [] and np.array_equal(again, first[:4][::-1])


def test_the_resize_mode_is_part_of_a_codes_name():
    photo = class_photos(per_class=1)[0][0]
    assert transfer.code_key(photo, "center_crop") != transfer.code_key(photo, "squash")


@pytest.mark.parametrize("photo", [np.zeros((8, 8), np.uint8), np.zeros((8, 8, 3), np.float32)])
def test_a_photo_that_is_not_rgb_uint8_is_refused(classifier, photo):
    with pytest.raises(ValueError, match="RGB uint8"):
        transfer.cnn_codes(classifier, [photo])


def test_no_photos_give_no_codes(classifier):
    assert transfer.cnn_codes(classifier, []).shape == (0, 512)


def test_each_class_keeps_a_quarter_aside_and_at_least_one():
    labels = np.array([0] * 8 + [1] * 2 + [2] * 5)
    train, held_out = transfer.split_per_class(labels, seed=3)
    assert [int(np.sum(labels[held_out] == label)) for label in range(3)] == [2, 1, 1]
    assert sorted([*train, *held_out]) == list(range(15))
    assert np.array_equal(held_out, transfer.split_per_class(labels, seed=3)[1])


def test_a_class_with_one_photo_cannot_be_split():
    with pytest.raises(ValueError, match="Class 1 has 1 photo; each class needs at least 2"):
        transfer.split_per_class(np.array([0, 0, 1]))


def test_the_head_learns_the_classes_of_the_held_out_photos(trained_head, photos_and_codes):
    head, history, held_out = trained_head
    _, labels, codes = photos_and_codes
    predictions = np.asarray(head(codes[held_out])).argmax(axis=1)
    assert len(history) == transfer.HEAD_CONFIG.epochs
    assert np.mean(predictions == labels[held_out]) == 1.0 and history[-1].val_accuracy == 1.0


def test_the_full_model_answers_as_codes_and_head_do(classifier, trained_head, photos_and_codes):
    head, _, _ = trained_head
    photos, _, codes = photos_and_codes
    model = transfer.full_model(classifier.model, head)
    batch = np.concatenate([vgg16.preprocess(photo) for photo in photos[:4]])
    np.testing.assert_allclose(model.predict(batch, verbose=0), head.predict(codes[:4], verbose=0), atol=1e-5)
    assert model.count_params() == 14_714_688 + head.count_params()  # VGG16's conv part and the head


def test_grad_cam_reads_vgg16s_last_conv_layer_through_the_full_model(classifier, trained_head, photos_and_codes):
    model = transfer.full_model(classifier.model, trained_head[0])
    heatmap = explain.grad_cam(model, vgg16.preprocess(photos_and_codes[0][0]), 1, layer_name="block5_conv3")
    assert heatmap.shape == (224, 224) and 0 <= heatmap.min() and heatmap.max() <= 1


def test_the_downloaded_model_reloads_in_plain_keras_and_predicts_the_same(classifier, trained_head,
                                                                          photos_and_codes, tmp_path):
    model = transfer.full_model(classifier.model, trained_head[0])
    batch = np.concatenate([vgg16.preprocess(photo) for photo in photos_and_codes[0][:3]])
    download = model_store.model_bytes(model)  # what the page's download button sends
    assert abs(len(download) - 4 * model.count_params()) < 0.02 * len(download)  # the size the page states
    (tmp_path / transfer_code.MODEL_FILE_NAME).write_bytes(download)
    np.save(tmp_path / "batch.npy", batch)
    reload = ("import sys, keras, numpy as np; folder = sys.argv[1]; "
              "model = keras.saving.load_model(f'{folder}/own_classes.keras', safe_mode=True); "
              "np.save(f'{folder}/answer.npy', model.predict(np.load(f'{folder}/batch.npy'), verbose=0))")
    subprocess.run([sys.executable, "-c", reload, str(tmp_path)], check=True, timeout=300)
    np.testing.assert_allclose(np.load(tmp_path / "answer.npy"), model.predict(batch, verbose=0), atol=1e-6)


def test_the_take_home_code_builds_the_pages_head():
    code = transfer_code.keras_code(["cats", "dogs"], 2.5)
    ast.parse(code)
    head_source = code[code.index("head = keras.Sequential") : code.index("head.compile")]
    namespace = {"keras": keras}
    exec(head_source, namespace)
    assert namespace["head"].get_config()["layers"] == transfer.build_head(2, 2.5).get_config()["layers"]
    assert "CLASS_NAMES = ['cats', 'dogs']" in code and "epochs=30, batch_size=16" in code


def test_class_names_reach_the_code_only_as_string_literals():
    code = transfer_code.keras_code(['x"]\nimport os  #', "y"], 1.0)
    tree = ast.parse(code)
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.Import) and node.names[0].name == "os"]


@pytest.mark.parametrize(("class_count", "scale", "message"), [
    (1, 1.0, "class_count must be"), (11, 1.0, "class_count must be"), (2, 0.0, "code_scale must be a positive")])
def test_a_head_needs_two_to_ten_classes_and_a_positive_scale(class_count, scale, message):
    with pytest.raises(ValueError, match=message):
        transfer.build_head(class_count, scale)


def test_codes_of_the_wrong_shape_or_labels_out_of_range_are_refused():
    with pytest.raises(ValueError, match=r"codes of shape \(N, 512\)"):
        transfer.start_head_training(np.zeros((4, 10)), np.zeros(4), 2)
    with pytest.raises(ValueError, match="labels must be from 0 to 1. Received: 0 to 2"):
        transfer.start_head_training(np.zeros((3, 512)), np.array([0, 1, 2]), 2)


def test_the_projection_follows_the_covariances_two_largest_eigenvectors():
    codes = np.random.default_rng(0).normal(size=(30, 6)) * np.array([5, 3, 1, 0.5, 0.2, 0.1])
    points, explained = transfer.project_codes(codes)
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(codes, rowvar=False))
    order = np.argsort(eigenvalues)[::-1][:2]
    np.testing.assert_allclose(explained, eigenvalues[order] / eigenvalues.sum())
    reference = (codes - codes.mean(axis=0)) @ eigenvectors[:, order]
    np.testing.assert_allclose(np.abs(points), np.abs(reference), atol=1e-9)


def test_same_class_neighbours_counts_codes_whose_most_similar_other_code_shares_their_class():
    # Directions 0°, 10°, 90° and 100°: each one's nearest is its 10° neighbour. With labels 0, 0, 1, 0 the
    # first two agree, the third (nearest: 100°, class 0) does not, the fourth (nearest: 90°, class 1) does not.
    angles = np.radians([0, 10, 90, 100])
    codes = np.stack([np.cos(angles), np.sin(angles)], axis=1) * np.array([[1], [5], [2], [3]])  # lengths ignored
    assert transfer.same_class_neighbours(codes, np.array([0, 0, 1, 0])) == 2
    assert transfer.same_class_neighbours(codes, np.array([0, 0, 1, 1])) == 4


def test_a_projection_needs_two_codes():
    with pytest.raises(ValueError, match="at least two codes"):
        transfer.project_codes(np.zeros((1, 512)))


def test_the_small_cnn_trains_for_the_seconds_it_is_given(photos_and_codes):
    photos, labels, _ = photos_and_codes
    train, held_out = transfer.split_per_class(labels)
    result = from_scratch.train_from_scratch(photos, labels, train, held_out, 2, seconds=2.0)
    assert 2.0 <= result.seconds < 30 and result.epochs >= 1 and 0 <= result.accuracy <= 1
    assert result.parameters == models.build_model(models.DEFAULT_PRESET, (28, 28, 3), 2).count_params()


def test_the_small_cnn_sees_the_centre_crop_at_28_pixels():
    photo = np.zeros((100, 300, 3), np.uint8)
    photo[:, 100:200] = 255  # the central square is white, the sides black
    pictures = from_scratch.small_pictures([photo])
    assert pictures.shape == (1, 28, 28, 3) and pictures.min() == 1.0
