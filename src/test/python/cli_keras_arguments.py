"""Writes the Keras argument names of each class jkeras reads from configs (layers, optimizers,
callbacks), one `Class=arg1,arg2,...` line each, from the installed Keras's constructor
signatures. jkeras uses the list to tell a typo ("did you mean") from a real Keras argument that
jkeras does not support. Regenerate with: python cli_keras_arguments.py > keras-arguments.properties
"""
import inspect
import sys

import keras

CLASSES = {
    "layers": ["InputLayer", "Dense", "Activation", "Dropout", "Embedding", "Flatten", "Masking", "RepeatVector",
               "LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional", "TimeDistributed", "Add", "Subtract", "Multiply",
               "Average", "Maximum", "Minimum", "Concatenate", "Dot", "BatchNormalization", "LayerNormalization",
               "UnitNormalization", "Reshape", "Permute", "SpatialDropout1D", "GaussianNoise", "GaussianDropout",
               "ActivityRegularization", "Identity", "Conv1D", "SeparableConv1D", "DepthwiseConv1D",
               "Conv1DTranspose", "MaxPooling1D", "AveragePooling1D", "GlobalMaxPooling1D",
               "GlobalAveragePooling1D", "Cropping1D", "ZeroPadding1D", "UpSampling1D", "MultiHeadAttention",
               "Attention", "AdditiveAttention", "TextVectorization", "StringLookup", "IntegerLookup"],
    "optimizers": ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl"],
    "callbacks": ["EarlyStopping", "CSVLogger", "ModelCheckpoint", "ReduceLROnPlateau", "TerminateOnNaN"],
}


def arguments(cls):
    names = []
    for c in cls.__mro__:
        if c is object or "__init__" not in c.__dict__:
            continue
        for p in inspect.signature(c.__init__).parameters.values():
            if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL) and p.name not in names:
                names.append(p.name)
    return names


print("# Keras %s constructor arguments, written by src/test/python/cli_keras_arguments.py" % keras.__version__)
for module, classes in CLASSES.items():
    for name in classes:
        print("%s=%s" % (name, ",".join(sorted(arguments(getattr(getattr(keras, module), name))))))
