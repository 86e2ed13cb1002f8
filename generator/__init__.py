"""Turn one program.yaml into a mentoring handbook site and its fillable PDF forms."""

__version__ = "0.1.0"
