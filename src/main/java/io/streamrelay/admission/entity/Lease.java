package io.streamrelay.admission.entity;

/**
 * The concurrency slot a generation holds from its creation to its single exit, and the meter its completion
 * tokens are counted on while they stream. Releasing is idempotent: only the first call frees the slot.
 */
public interface Lease {

    /** A lease that limits nothing, for code paths without admission (unit tests). */
    Lease NONE = new Lease() {
        @Override
        public void tokens(int count) {
        }

        @Override
        public void release() {
        }
    };

    /** Completion tokens relayed for this caller. */
    void tokens(int count);

    void release();
}
