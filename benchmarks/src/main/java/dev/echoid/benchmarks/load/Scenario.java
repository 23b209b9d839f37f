package dev.echoid.benchmarks.load;

/**
 * One kind of work the driver repeats: {@code operation} either completes as a person or client would expect, or
 * throws (a wrong status, a missing redirect, an exception), which counts as an error.
 *
 * @param unit what one operation is, for the report
 */
record Scenario(String name, String unit, Operation operation) {

    @FunctionalInterface
    interface Operation {
        void perform() throws Exception;
    }

    /** Thrown by an operation that has nothing left to do (a pool of prepared work is empty): its worker stops. */
    static final class Exhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Exhausted() {
            super("nothing left to do", null, false, false);
        }
    }
}
