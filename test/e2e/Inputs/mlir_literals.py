"""MLIR text for numpy arrays, shared by the scripts that write small qc
models for the e2e tests."""
import numpy as np


def literal(a):
    """An MLIR dense literal of array a (f32)."""
    def nest(v):
        if v.ndim == 0:
            return "%.8e" % float(v)
        return "[" + ", ".join(nest(x) for x in v) + "]"
    shape = "x".join(str(d) for d in a.shape)
    return "dense<%s> : tensor<%sxf32>" % (nest(a.astype(np.float32)), shape)


def ttype(a):
    """The f32 tensor type of array a."""
    return "tensor<%sxf32>" % "x".join(str(d) for d in a.shape)
