"""Attach TFLite image-input metadata to legacy MediaPipe pose models.

The MediaPipe Tasks API refuses a float32 image model that carries no
``NormalizationOptions`` metadata. The legacy pose models shipped in registry
packages (npm ``@mediapipe/pose``, PyPI ``mediapipe==0.10.21``) predate that
metadata, so :func:`add_image_input_metadata` writes it with the flatbuffer
schema modules that ``mediapipe`` itself ships.

Notes
-----
``mediapipe.tasks.python.metadata.metadata_writers`` would do this, but in
mediapipe 1.2.x it imports a compiled module (``_pywrap_metadata_version``)
that the wheel does not contain, so the flatbuffer is written here directly.
The metadata layout follows the TFLite metadata schema
(``mediapipe/tasks/metadata/metadata_schema.fbs``).
"""

from __future__ import annotations

import flatbuffers
import numpy as np
from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb
from mediapipe.tasks.metadata import schema_py_generated as model_fb

METADATA_FIELD_NAME = "TFLITE_METADATA"
_MODEL_IDENTIFIER = b"TFL3"
_METADATA_IDENTIFIER = b"M001"
# Oldest metadata parser that understands the fields written below
# (NormalizationOptions and ImageProperties exist since schema 1.0.0).
_MIN_PARSER_VERSION = "1.0.0"


_BUFFER_ALIGNMENT = 16


class _AligningBuilder(flatbuffers.Builder):
    """Flatbuffer builder that places byte vectors on 16-byte boundaries.

    TFLite maps weight buffers in place only when they are aligned; the stock
    Python builder aligns ``uint8`` vectors to 4 bytes, which makes the runtime
    copy every tensor at load time.
    """

    head: int
    """Offset of the first byte written so far (the builder fills its buffer from the end)."""

    def CreateNumpyVector(self, x: np.ndarray) -> int:  # noqa: N802 (flatbuffers API)
        if x.dtype != np.uint8:
            return int(super().CreateNumpyVector(x))
        self.StartVector(1, x.size, _BUFFER_ALIGNMENT)
        payload = x.tobytes(order="C")
        self.head = self.head - len(payload)
        self.Bytes[self.head : self.head + len(payload)] = payload
        self.vectorNumElems = x.size
        return int(self.EndVector())


def build_image_metadata(name: str, mean: float, std: float) -> bytes:
    """Build a ``ModelMetadata`` flatbuffer describing one RGB image input.

    Parameters
    ----------
    name : str
        Model name recorded in the metadata.
    mean, std : float
        Normalisation applied to 0–255 pixel values: ``(pixel - mean) / std``.

    Returns
    -------
    bytes
        The serialised metadata buffer (file identifier ``M001``).
    """
    image_props = meta_fb.ImagePropertiesT()
    image_props.colorSpace = meta_fb.ColorSpaceType.RGB
    norm = meta_fb.NormalizationOptionsT()
    norm.mean = [float(mean)]
    norm.std = [float(std)]
    unit = meta_fb.ProcessUnitT()
    unit.optionsType = meta_fb.ProcessUnitOptions.NormalizationOptions
    unit.options = norm

    tensor = meta_fb.TensorMetadataT()
    tensor.name = "image"
    tensor.content = meta_fb.ContentT()
    tensor.content.contentPropertiesType = meta_fb.ContentProperties.ImageProperties
    tensor.content.contentProperties = image_props
    tensor.processUnits = [unit]

    subgraph = meta_fb.SubGraphMetadataT()
    subgraph.inputTensorMetadata = [tensor]

    model = meta_fb.ModelMetadataT()
    model.name = name
    model.description = "Legacy MediaPipe pose model with image-input metadata added by movequal."
    model.subgraphMetadata = [subgraph]
    model.minParserVersion = _MIN_PARSER_VERSION

    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), _METADATA_IDENTIFIER)
    return bytes(builder.Output())


def add_image_input_metadata(model_bytes: bytes, name: str, mean: float, std: float) -> bytes:
    """Return a copy of a TFLite model with image-input metadata attached.

    Parameters
    ----------
    model_bytes : bytes
        A TFLite flatbuffer (file identifier ``TFL3``).
    name : str
        Model name recorded in the metadata.
    mean, std : float
        Input normalisation, see :func:`build_image_metadata`.

    Returns
    -------
    bytes
        The new model. Existing ``TFLITE_METADATA`` is replaced.

    Raises
    ------
    ValueError
        If ``model_bytes`` is not a TFLite flatbuffer.
    """
    if model_bytes[4:8] != _MODEL_IDENTIFIER:
        raise ValueError(f"expected a TFLite model (identifier TFL3), got {model_bytes[4:8]!r}")
    model = model_fb.ModelT.InitFromObj(model_fb.Model.GetRootAsModel(model_bytes, 0))
    meta_buffer = model_fb.BufferT()
    meta_buffer.data = np.frombuffer(build_image_metadata(name, mean, std), dtype=np.uint8)
    model.buffers = list(model.buffers or [])
    model.metadata = [m for m in (model.metadata or []) if m.name.decode() != METADATA_FIELD_NAME]
    model.buffers.append(meta_buffer)
    entry = model_fb.MetadataT()
    entry.name = METADATA_FIELD_NAME
    entry.buffer = len(model.buffers) - 1
    model.metadata.append(entry)
    builder = _AligningBuilder(len(model_bytes) + 4096)
    builder.Finish(model.Pack(builder), _MODEL_IDENTIFIER)
    return bytes(builder.Output())
