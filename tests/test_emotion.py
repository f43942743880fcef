"""helpers.emotion: faces found, 7 probabilities that sum to 1, clear errors, and never the network."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap

import cv2
import numpy as np
import pytest

from helpers import CourseError, data, emotion


@pytest.fixture(autouse=True)
def offline_and_no_deepface_weights(monkeypatch, tmp_path):
    """Every test runs with an empty DeepFace home and with outgoing connections refused."""
    monkeypatch.setenv("DEEPFACE_HOME", str(tmp_path / "deepface-home"))

    def refuse(*args, **kwargs):
        raise AssertionError(f"helpers.emotion tried to open a network connection: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="module")
def face_path():
    return data.fetch("fer_face_example")


@pytest.fixture(scope="module")
def face_result(face_path):
    return emotion.detect_emotions(face_path)


def test_face_example_gives_one_face_with_a_plausible_emotion(face_result):
    assert len(face_result) == 1
    row = face_result.iloc[0]
    probs = row[list(emotion.EMOTIONS)].to_numpy(dtype=float)
    assert probs.sum() == pytest.approx(1.0, abs=1e-6)
    assert ((probs >= 0) & (probs <= 1)).all()
    # The example photo shows a man smiling at the camera.
    assert row["dominant_emotion"] == "happy"
    assert row["happy"] > 0.5
    assert row["backend"] == "fer"


def test_result_columns_and_box_inside_the_image(face_result, face_path):
    expected = ["face", "x", "y", "w", "h", *emotion.EMOTIONS, "dominant_emotion", "backend"]
    assert list(face_result.columns) == expected
    height, width = cv2.imread(str(face_path)).shape[:2]
    x, y, w, h = face_result.loc[0, ["x", "y", "w", "h"]].astype(int)
    assert 0 <= x and 0 <= y and x + w <= width and y + h <= height
    assert w * h > 0.1 * width * height  # a portrait: the face is a large part of the photo


def test_path_bytes_upload_and_array_give_the_same_answer(face_result, face_path):
    raw = face_path.read_bytes()
    upload = ({"name": "me.jpg", "type": "image/jpeg", "size": len(raw), "content": memoryview(raw)},)
    as_float = cv2.imread(str(face_path)) / 255.0  # floats in 0..1 are scaled back to 0..255
    columns = ["x", "y", "w", "h", *emotion.EMOTIONS]
    for source in (str(face_path), raw, upload, upload[0], cv2.imread(str(face_path)), as_float):
        other = emotion.detect_emotions(source)
        np.testing.assert_allclose(other[columns].to_numpy(float), face_result[columns].to_numpy(float),
                                   atol=0.02)


def test_no_face_photo_gives_a_clear_course_error():
    with pytest.raises(emotion.NoFaceError, match="No face was found") as info:
        emotion.detect_emotions(data.fetch("fer_no_face_example"))
    assert isinstance(info.value, CourseError)


@pytest.mark.parametrize("bad, message", [
    ("/no/such/photo.jpg", "No image file at"),
    (b"", "empty"),
    (b"not an image at all", "not an image OpenCV can read"),
    (42, "Expected a photo"),
    (np.zeros((0, 0, 3), dtype=np.uint8), "must be HxW"),
    (np.array([["a", "b"]]), "must hold numbers"),
    ({"name": "x.jpg"}, "no 'content'"),
])
def test_unreadable_inputs_give_image_read_errors(bad, message):
    with pytest.raises(emotion.ImageReadError, match=message):
        emotion.detect_emotions(bad)


def test_a_text_file_named_jpg_is_not_an_image(tmp_path):
    fake = tmp_path / "holiday.jpg"
    fake.write_text("this is not a photo")
    with pytest.raises(emotion.ImageReadError, match="holiday.jpg"):
        emotion.detect_emotions(fake)


def test_auto_backend_is_offline_model_and_deepface_is_not_imported(face_path):
    already = "deepface" in sys.modules  # (another test module might have imported it)
    assert not emotion.deepface_weights_path().exists()
    assert emotion.choose_backend("auto") == "fer"
    assert emotion.detect_emotions(face_path)["backend"].tolist() == ["fer"]
    assert ("deepface" in sys.modules) == already, "deepface must be imported only when its weights exist"


def test_deepface_without_weights_refuses_instead_of_downloading(face_path):
    already = "deepface" in sys.modules
    with pytest.raises(emotion.EmotionBackendError, match="allow_download=True"):
        emotion.detect_emotions(face_path, backend="deepface")
    assert ("deepface" in sys.modules) == already
    with pytest.raises(ValueError, match="backend must be one of"):
        emotion.choose_backend("magic")


def test_fer_model_is_loaded_once(face_result):
    assert emotion.fer_model() is emotion.fer_model()
    assert emotion.fer_model().input_shape == (None, 64, 64, 1)
    assert emotion.fer_model().output_shape == (None, len(emotion.EMOTIONS))


def test_draw_faces_returns_an_rgb_image_with_the_box(face_result, face_path):
    original = cv2.cvtColor(cv2.imread(str(face_path)), cv2.COLOR_BGR2RGB)
    drawn = emotion.draw_faces(face_path, face_result)
    assert drawn.shape == original.shape and drawn.dtype == np.uint8
    x, y = int(face_result.loc[0, "x"]), int(face_result.loc[0, "y"])
    assert not np.array_equal(drawn[y, x:x + 20], original[y, x:x + 20])  # the box edge was drawn


def test_detect_faces_on_a_large_photo_scales_boxes_back(face_path, face_result):
    big = cv2.resize(cv2.imread(str(face_path)), None, fx=4, fy=4)  # 1,524 px: shrunk for detection
    boxes = emotion.detect_faces(big)
    assert len(boxes) == 1
    np.testing.assert_allclose(boxes[0], face_result.loc[0, ["x", "y", "w", "h"]].to_numpy(float) * 4,
                               rtol=0.1)


def test_webcam_snapshot_without_camera_returns_none():
    frame = emotion.webcam_snapshot(index=99)  # no machine has a 100th camera
    assert frame is None


DEEPFACE_SCRIPT = textwrap.dedent("""
    import os, sys
    import h5py
    from keras.src.legacy.saving import legacy_h5_format
    from deepface.commons import weight_utils
    from deepface.modules import modeling
    from helpers import data, emotion

    assert emotion.choose_backend() == "fer"
    target = emotion.deepface_weights_path()
    target.parent.mkdir(parents=True)

    # Write DeepFace's emotion network with random weights to the place DeepFace looks, in its own
    # HDF5 format, so that the backend's plumbing is tested without downloading the real weights.
    def save_random(model, weight_file):
        with h5py.File(weight_file, "w") as fh:
            legacy_h5_format.save_weights_to_hdf5_group(fh, model)
        return model
    download, load = weight_utils.download_weights_if_necessary, weight_utils.load_model_weights
    weight_utils.download_weights_if_necessary = lambda file_name, source_url, compress_type=None: str(target)
    weight_utils.load_model_weights = save_random
    modeling.get_model_class("facial_attribute", "Emotion")()
    weight_utils.download_weights_if_necessary, weight_utils.load_model_weights = download, load

    assert emotion.deepface_ready() and emotion.choose_backend() == "deepface"
    faces = emotion.detect_emotions(data.fetch("fer_face_example"))
    assert list(faces["backend"]) == ["deepface"], faces
    assert abs(faces[list(emotion.EMOTIONS)].sum(axis=1).iloc[0] - 1) < 1e-6
    print("deepface backend ok")
""")


def test_deepface_backend_is_used_when_its_weights_are_on_disk(tmp_path):
    """In a separate process (deepface may change Keras settings process-wide), with no network."""
    guard = "import socket\ndef _no(*a, **k): raise OSError('network disabled in this test')\n" \
            "socket.socket.connect = _no\nsocket.create_connection = _no\n"
    env = {**os.environ, "DEEPFACE_HOME": str(tmp_path), "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run([sys.executable, "-c", guard + DEEPFACE_SCRIPT], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "deepface backend ok" in proc.stdout
