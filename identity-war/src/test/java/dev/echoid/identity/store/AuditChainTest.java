package dev.echoid.identity.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.store.AuditEvent.Outcome;
import dev.echoid.identity.store.AuditEvent.Type;
import dev.echoid.identity.store.AuditTrail.Verification;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    private static final Instant AT = Instant.parse("2025-01-31T08:00:00.123456Z");
    private static final UUID USER = UUID.fromString("0b7e1a52-3c55-4f0e-9d6a-1c2b3d4e5f60");
    private static final byte[] KEY = new byte[32];
    private static final AuditChain CHAIN;

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) i;
        }
        CHAIN = AuditChain.keyed(KEY);
    }

    @Test
    void rowHashWhenKnownRowThenMatchesIndependentlyComputedValue() {
        // computed outside Java (Python's hmac and hashlib): HMAC-SHA-256(key 0x00..0x1f, prev || 0x01 len32be utf8
        // ... || 0x00 for null), see AuditChain's Javadoc; and V4's unkeyed SHA-256 of the same bytes
        AuditEvent event = new AuditEvent(AT, Type.LOGIN_FAILED, Outcome.FAILURE, "echo", USER, "ädа", null,
                "wrong password", "L-1");
        assertThat(CHAIN.rowHash(AuditChain.GENESIS, 7, event))
                .isEqualTo("fa79f370a3dccd0cf12497325bebb7e301456d745d7d84c5df35ad5436683032");
        assertThat(AuditChain.unkeyedRowHash(AuditChain.GENESIS, 7, event))
                .isEqualTo("44ab422d4dbe668cd0c580bd5c81e177167e75321c139f24325e9b709865ef33");
        assertThat(CHAIN.headMac(7L, "fa79f370a3dccd0cf12497325bebb7e301456d745d7d84c5df35ad5436683032"))
                .isEqualTo("be027edb3ddd0628e1fe1a733b90c4a4749170d7169fa26e4b501afd6d800f23");
        assertThat(AuditChain.epochMicros(AT)).isEqualTo(1_738_310_400_123_456L);
    }

    @Test
    void rowHashWhenAnotherKeyThenDifferent() {
        AuditEvent event = event("ada", "127.0.0.1", "L-1");
        assertThat(AuditChain.keyed(new byte[32]).rowHash(AuditChain.GENESIS, 1, event))
                .isNotEqualTo(CHAIN.rowHash(AuditChain.GENESIS, 1, event));
    }

    @Test
    void rowHashWhenTextMovesAcrossAFieldBoundaryThenDifferent() {
        AuditEvent ab = event("ab", "c", "L-1");
        AuditEvent a = event("a", "bc", "L-1");
        assertThat(CHAIN.rowHash(AuditChain.GENESIS, 1, ab)).isNotEqualTo(CHAIN.rowHash(AuditChain.GENESIS,
                1, a));
    }

    @Test
    void rowHashWhenNullInsteadOfEmptyThenDifferent() {
        assertThat(CHAIN.rowHash(AuditChain.GENESIS, 1, event("", "x", "L-1")))
                .isNotEqualTo(CHAIN.rowHash(AuditChain.GENESIS, 1, event(null, "x", "L-1")));
    }

    @Test
    void rowHashWhenIdOrPreviousHashDiffersThenDifferent() {
        AuditEvent event = event("ada", "127.0.0.1", "L-1");
        String hash = CHAIN.rowHash(AuditChain.GENESIS, 1, event);
        assertThat(CHAIN.rowHash(AuditChain.GENESIS, 2, event)).isNotEqualTo(hash);
        assertThat(CHAIN.rowHash("1".repeat(64), 1, event)).isNotEqualTo(hash);
        assertThat(CHAIN.rowHash(AuditChain.GENESIS, 1, event)).isEqualTo(hash).hasSize(64);
    }

    @Test
    void storableWhenNanosecondsThenMicroseconds() {
        assertThat(AuditChain.storable(Instant.parse("2025-01-31T08:00:00.123456789Z")))
                .isEqualTo(Instant.parse("2025-01-31T08:00:00.123456Z"));
    }

    @Test
    void verifyWhenChainIntactThenOkWithLastRow() {
        List<AuditRecord> rows = chain(4);
        Verification result = verify(rows, 4L, rows.get(3).rowHash());
        assertThat(result.intact()).isTrue();
        assertThat(result.rowsChecked()).isEqualTo(4);
        assertThat(result.lastId()).isEqualTo(4L);
    }

    @Test
    void verifyWhenRowEditedThenThatRowReported() {
        List<AuditRecord> rows = chain(4);
        AuditRecord second = rows.get(1);
        rows.set(1, new AuditRecord(2, event("mallory", "127.0.0.1", "L-1"), second.prevHash(), second.rowHash(),
                AuditChain.KEYED));
        Verification result = verify(rows, 4L, rows.get(3).rowHash());
        assertThat(result.intact()).isFalse();
        assertThat(result.brokenRowId()).isEqualTo(2L);
        assertThat(result.problem()).contains("altered");
    }

    @Test
    void verifyWhenRowEditedAndItsHashRecomputedThenNextRowReported() {
        List<AuditRecord> rows = chain(4);
        AuditRecord second = rows.get(1);
        AuditEvent forged = event("mallory", "127.0.0.1", "L-1");
        rows.set(1, new AuditRecord(2, forged, second.prevHash(), CHAIN.rowHash(second.prevHash(), 2, forged),
                AuditChain.KEYED));
        Verification result = verify(rows, 4L, rows.get(3).rowHash());
        assertThat(result.brokenRowId()).isEqualTo(3L);
        assertThat(result.problem()).contains("between rows 2 and 3");
    }

    @Test
    void verifyWhenRowDeletedThenNextRowReported() {
        List<AuditRecord> rows = chain(4);
        rows.remove(1);
        Verification result = verify(rows, 4L, rows.get(2).rowHash());
        assertThat(result.intact()).isFalse();
        assertThat(result.brokenRowId()).isEqualTo(3L);
        assertThat(result.problem()).contains("deleted");
    }

    @Test
    void verifyWhenFirstRowDeletedThenReported() {
        List<AuditRecord> rows = chain(3);
        rows.remove(0);
        assertThat(verify(rows, 3L, rows.get(1).rowHash()).brokenRowId()).isEqualTo(2L);
    }

    @Test
    void verifyWhenLastRowDeletedThenHeadDisagrees() {
        List<AuditRecord> rows = chain(4);
        String headHash = rows.get(3).rowHash();
        rows.remove(3);
        Verification result = verify(rows, 4L, headHash);
        assertThat(result.intact()).isFalse();
        assertThat(result.brokenRowId()).isNull();
        assertThat(result.problem()).contains("rows after it were deleted");
        assertThat(result.lastId()).isEqualTo(3L);
    }

    @Test
    void verifyWhenRowInsertedWithMadeUpHashesThenReported() {
        List<AuditRecord> rows = chain(3);
        AuditEvent forged = event("mallory", "127.0.0.1", "L-9");
        rows.add(2, new AuditRecord(3, forged, rows.get(1).rowHash(), "f".repeat(64), AuditChain.KEYED));
        Verification result = verify(rows, 3L, rows.get(3).rowHash());
        assertThat(result.brokenRowId()).isEqualTo(3L);
    }

    @Test
    void verifyWhenEverythingDeletedThenHeadDisagrees() {
        assertThat(verify(List.of(), 5L, "a".repeat(64)).intact()).isFalse();
        assertThat(verify(List.of(), null, AuditChain.GENESIS).intact()).isTrue();
        assertThat(new AuditChain.Verifier(CHAIN).result(null, AuditChain.GENESIS, AuditChain.UNKEYED, null)
                .intact()).as("a database never written").isTrue();
    }

    @Test
    void verifyWhenUnreadableRowThenReported() {
        AuditChain.Verifier verifier = new AuditChain.Verifier(CHAIN);
        List<AuditRecord> rows = chain(2);
        assertThat(verifier.check(rows.get(0))).isTrue();
        assertThat(verifier.unreadable(2)).isFalse();
        assertThat(result(verifier, 2L, rows.get(1).rowHash()).brokenRowId()).isEqualTo(2L);
    }

    @Test
    void verifyWhenRowEditedAndEveryLaterRowRechainedWithoutTheKeyThenThatRowReported() {
        List<AuditRecord> rows = chain(4);
        // the attacker knows the construction, not the key: V4's unkeyed hash, or a key of their own
        for (AuditChain guess : List.of(AuditChain.unkeyed(), AuditChain.keyed(new byte[32]))) {
            List<AuditRecord> forged = new ArrayList<>(rows.subList(0, 1));
            String prev = rows.get(0).rowHash();
            for (int i = 1; i < rows.size(); i++) {
                AuditRecord row = rows.get(i);
                AuditEvent event = i == 1 ? event("mallory", "127.0.0.1", "L-1") : row.event();
                String hash = guess.rowHash(prev, row.id(), event);
                forged.add(new AuditRecord(row.id(), event, prev, hash, AuditChain.KEYED));
                prev = hash;
            }
            Verification result = verify(forged, 4L, prev);
            assertThat(result.status()).isEqualTo(AuditTrail.Status.BROKEN);
            assertThat(result.brokenRowId()).isEqualTo(2L);
            assertThat(result.lastId()).isEqualTo(1L);
        }
    }

    @Test
    void verifyWhenRowMarkedUnkeyedThenReported() {
        List<AuditRecord> rows = chain(3);
        AuditRecord second = rows.get(1);
        rows.set(1, new AuditRecord(2, second.event(), second.prevHash(),
                AuditChain.unkeyedRowHash(second.prevHash(), 2, second.event()), AuditChain.UNKEYED));
        Verification result = verify(rows, 3L, rows.get(2).rowHash());
        assertThat(result.brokenRowId()).isEqualTo(2L);
        assertThat(result.problem()).contains("not keyed");
    }

    @Test
    void verifyWhenLastRowDeletedAndHeadMovedBackThenHeadMacDisagrees() {
        List<AuditRecord> rows = chain(4);
        String headMac = CHAIN.headMac(4L, rows.get(3).rowHash());
        rows.remove(3);
        AuditChain.Verifier verifier = new AuditChain.Verifier(CHAIN);
        rows.forEach(verifier::check);
        Verification result = verifier.result(3L, rows.get(2).rowHash(), AuditChain.KEYED, headMac);
        assertThat(result.status()).isEqualTo(AuditTrail.Status.BROKEN);
        assertThat(result.problem()).contains("chain head was altered");
    }

    @Test
    void verifyWithWrongKeyThenUnverifiedAndSaysSo() {
        List<AuditRecord> rows = chain(3);
        AuditChain.Verifier verifier = new AuditChain.Verifier(AuditChain.keyed(new byte[32]));
        for (AuditRecord row : rows) {
            if (!verifier.check(row)) {
                break;
            }
        }
        Verification result = verifier.result(3L, rows.get(2).rowHash(), AuditChain.KEYED,
                CHAIN.headMac(3L, rows.get(2).rowHash()));
        assertThat(result.status()).isEqualTo(AuditTrail.Status.UNVERIFIED);
        assertThat(result.problem()).startsWith("the audit key does not match the chain");
    }

    @Test
    void verifyWhenFirstRowEditedWithRightKeyThenBrokenNotWrongKey() {
        List<AuditRecord> rows = chain(3);
        AuditRecord first = rows.get(0);
        rows.set(0, new AuditRecord(1, event("mallory", "127.0.0.1", "L-1"), first.prevHash(), first.rowHash(),
                AuditChain.KEYED));
        Verification result = verify(rows, 3L, rows.get(2).rowHash());
        assertThat(result.status()).isEqualTo(AuditTrail.Status.BROKEN);
        assertThat(result.brokenRowId()).isEqualTo(1L);
    }

    /** Verifies under the right key, with an authentic head naming {@code headId}. */
    private static Verification verify(List<AuditRecord> rows, Long headId, String headHash) {
        AuditChain.Verifier verifier = new AuditChain.Verifier(CHAIN);
        for (AuditRecord row : rows) {
            if (!verifier.check(row)) {
                break;
            }
        }
        return result(verifier, headId, headHash);
    }

    private static Verification result(AuditChain.Verifier verifier, Long headId, String headHash) {
        return verifier.result(headId, headHash, AuditChain.KEYED, CHAIN.headMac(headId, headHash));
    }

    private static List<AuditRecord> chain(int length) {
        List<AuditRecord> rows = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (long id = 1; id <= length; id++) {
            AuditEvent event = new AuditEvent(AT.plusSeconds(id), Type.CODE_ISSUED, Outcome.SUCCESS, "echo", USER,
                    "ada", "127.0.0.1", null, "L-1");
            String hash = CHAIN.rowHash(prev, id, event);
            rows.add(new AuditRecord(id, event, prev, hash, AuditChain.KEYED));
            prev = hash;
        }
        return rows;
    }

    private static AuditEvent event(String username, String remoteAddress, String loginId) {
        return new AuditEvent(AT, Type.LOGIN_SUCCEEDED, Outcome.SUCCESS, "echo", USER, username, remoteAddress, null,
                loginId);
    }
}
