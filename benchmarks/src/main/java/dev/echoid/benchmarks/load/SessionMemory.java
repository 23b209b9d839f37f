package dev.echoid.benchmarks.load;

import java.util.Optional;

/**
 * Heap in use in the server (after full collections) before and after {@code sessions} sign-ins that stay signed
 * in.
 *
 * @param sessionsBefore the web applications' HTTP sessions at the first reading
 * @param sessionsAfter  and at the second
 * @param notMeasured    why there are no figures, when there are none
 */
public record SessionMemory(int sessions, long beforeBytes, long afterBytes, ActiveSessions sessionsBefore,
        ActiveSessions sessionsAfter, Optional<String> notMeasured) {

    static SessionMemory notMeasured(int sessions, String why) {
        ActiveSessions none = new ActiveSessions(-1, -1);
        return new SessionMemory(sessions, 0, 0, none, none, Optional.of(why));
    }

    public long growthBytes() {
        return afterBytes - beforeBytes;
    }

    public long bytesPerSession() {
        return growthBytes() / sessions;
    }
}
