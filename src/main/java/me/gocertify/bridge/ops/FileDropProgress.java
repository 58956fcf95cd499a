package me.gocertify.bridge.ops;

/**
 * What the file drop reports to the metrics, bound in the registry as {@code fileDropProgress}.
 * Its records' results are counted with the webhook's (channel "file"); this adds what never
 * reaches the recording step.
 */
public interface FileDropProgress {

    String BEAN_NAME = "fileDropProgress";

    /** Records read from inbox files since the start, whatever became of them. */
    long recordsRead();

    /** Records refused by the rules (they are listed in the file's .errors.json). */
    long recordsRefused();
}
