package dev.echoid.benchmarks.load;

/**
 * Heap in use (after full collections) before and after {@code sessions} sign-ins that stay signed in.
 *
 * @param sessionsBefore the web applications' HTTP sessions at the first reading
 * @param sessionsAfter  and at the second
 */
public record SessionMemory(int sessions, long beforeBytes, long afterBytes, ActiveSessions sessionsBefore,
        ActiveSessions sessionsAfter) {

    public long growthBytes() {
        return afterBytes - beforeBytes;
    }

    public long bytesPerSession() {
        return growthBytes() / sessions;
    }
}
