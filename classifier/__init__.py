"""The intent and risk classifier: a small transformer fine-tuned on data/nlu, served with ONNX."""
