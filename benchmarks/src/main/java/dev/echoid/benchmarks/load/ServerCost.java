package dev.echoid.benchmarks.load;

/**
 * What the server spent while a scenario ran: CPU time in clock ticks ({@link ProcFs#TICKS_PER_SECOND}), the JVM's
 * and PostgreSQL's, and the JVM's resident memory.
 *
 * @param rssPeakBytes the highest {@code VmRSS} sampled while it ran (every {@value ServerMeter#SAMPLE_MILLIS} ms)
 */
public record ServerCost(long jvmTicks, long postgresTicks, long rssBeforeBytes, long rssAfterBytes,
        long rssPeakBytes) {

    public double jvmSeconds() {
        return (double) jvmTicks / ProcFs.TICKS_PER_SECOND;
    }

    public double postgresSeconds() {
        return (double) postgresTicks / ProcFs.TICKS_PER_SECOND;
    }

    /** The server's CPU: the JVM's and PostgreSQL's. */
    public double cpuSeconds() {
        return jvmSeconds() + postgresSeconds();
    }

    /** {@code operations} per server CPU-second; NaN when the server spent less than a clock tick. */
    public double perCpuSecond(long operations) {
        return jvmTicks + postgresTicks == 0 ? Double.NaN : operations / cpuSeconds();
    }

    /** This run followed by {@code later}: CPU added, memory from this one's start to the later one's end. */
    public ServerCost then(ServerCost later) {
        return new ServerCost(jvmTicks + later.jvmTicks, postgresTicks + later.postgresTicks, rssBeforeBytes,
                later.rssAfterBytes, Math.max(rssPeakBytes, later.rssPeakBytes));
    }
}
