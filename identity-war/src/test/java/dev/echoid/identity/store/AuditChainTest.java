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

    @Test
    void rowHashWhenKnownRowThenMatchesIndependentlyComputedValue() {
        // computed outside Java: sha256(prev || 0x01 len32be utf8 ... || 0x00 for null), see AuditChain's Javadoc
        AuditEvent event = new AuditEvent(AT, Type.LOGIN_FAILED, Outcome.FAILURE, "echo", USER, "ädа", null,
                "wrong password", "L-1");
        assertThat(AuditChain.rowHash(AuditChain.GENESIS, 7, event))
                .isEqualTo("44ab422d4dbe668cd0c580bd5c81e177167e75321c139f24325e9b709865ef33");
        assertThat(AuditChain.epochMicros(AT)).isEqualTo(1_738_310_400_123_456L);
    }

    @Test
    void rowHashWhenTextMovesAcrossAFieldBoundaryThenDifferent() {
        AuditEvent ab = event("ab", "c", "L-1");
        AuditEvent a = event("a", "bc", "L-1");
        assertThat(AuditChain.rowHash(AuditChain.GENESIS, 1, ab)).isNotEqualTo(AuditChain.rowHash(AuditChain.GENESIS,
                1, a));
    }

    @Test
    void rowHashWhenNullInsteadOfEmptyThenDifferent() {
        assertThat(AuditChain.rowHash(AuditChain.GENESIS, 1, event("", "x", "L-1")))
                .isNotEqualTo(AuditChain.rowHash(AuditChain.GENESIS, 1, event(null, "x", "L-1")));
    }

    @Test
    void rowHashWhenIdOrPreviousHashDiffersThenDifferent() {
        AuditEvent event = event("ada", "127.0.0.1", "L-1");
        String hash = AuditChain.rowHash(AuditChain.GENESIS, 1, event);
        assertThat(AuditChain.rowHash(AuditChain.GENESIS, 2, event)).isNotEqualTo(hash);
        assertThat(AuditChain.rowHash("1".repeat(64), 1, event)).isNotEqualTo(hash);
        assertThat(AuditChain.rowHash(AuditChain.GENESIS, 1, event)).isEqualTo(hash).hasSize(64);
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
        rows.set(1, new AuditRecord(2, event("mallory", "127.0.0.1", "L-1"), second.prevHash(), second.rowHash()));
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
        rows.set(1, new AuditRecord(2, forged, second.prevHash(), AuditChain.rowHash(second.prevHash(), 2, forged)));
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
        rows.add(2, new AuditRecord(3, forged, rows.get(1).rowHash(), "f".repeat(64)));
        Verification result = verify(rows, 3L, rows.get(3).rowHash());
        assertThat(result.brokenRowId()).isEqualTo(3L);
    }

    @Test
    void verifyWhenEverythingDeletedThenHeadDisagrees() {
        assertThat(verify(List.of(), 5L, "a".repeat(64)).intact()).isFalse();
        assertThat(verify(List.of(), null, AuditChain.GENESIS).intact()).isTrue();
    }

    @Test
    void verifyWhenUnreadableRowThenReported() {
        AuditChain.Verifier verifier = new AuditChain.Verifier();
        List<AuditRecord> rows = chain(2);
        assertThat(verifier.check(rows.get(0))).isTrue();
        assertThat(verifier.unreadable(2)).isFalse();
        assertThat(verifier.result(2L, rows.get(1).rowHash()).brokenRowId()).isEqualTo(2L);
    }

    private static Verification verify(List<AuditRecord> rows, Long headId, String headHash) {
        AuditChain.Verifier verifier = new AuditChain.Verifier();
        for (AuditRecord row : rows) {
            if (!verifier.check(row)) {
                break;
            }
        }
        return verifier.result(headId, headHash);
    }

    private static List<AuditRecord> chain(int length) {
        List<AuditRecord> rows = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (long id = 1; id <= length; id++) {
            AuditEvent event = new AuditEvent(AT.plusSeconds(id), Type.CODE_ISSUED, Outcome.SUCCESS, "echo", USER,
                    "ada", "127.0.0.1", null, "L-1");
            String hash = AuditChain.rowHash(prev, id, event);
            rows.add(new AuditRecord(id, event, prev, hash));
            prev = hash;
        }
        return rows;
    }

    private static AuditEvent event(String username, String remoteAddress, String loginId) {
        return new AuditEvent(AT, Type.LOGIN_SUCCEEDED, Outcome.SUCCESS, "echo", USER, username, remoteAddress, null,
                loginId);
    }
}
