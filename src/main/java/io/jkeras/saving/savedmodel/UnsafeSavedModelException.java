package io.jkeras.saving.savedmodel;

/**
 * A SavedModel refused by safe mode ({@link SavedModelSafety}): its graph holds an op that can
 * touch files, processes or the network. The message names the op, the node and the function.
 */
public class UnsafeSavedModelException extends SavedModelException {
  public UnsafeSavedModelException(String message) {
    super(message);
  }
}
