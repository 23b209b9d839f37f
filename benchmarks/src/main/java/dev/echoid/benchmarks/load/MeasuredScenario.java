package dev.echoid.benchmarks.load;

/** A measured scenario: what the driver saw, and what the server spent on it. */
public record MeasuredScenario(ScenarioResult load, ServerCost cost) {

    public String name() {
        return load.name();
    }

    /** Successful operations per server CPU-second (the JVM's and PostgreSQL's). */
    public double perCpuSecond() {
        return cost.perCpuSecond(load.operations());
    }
}
