package dev.echoid.identity.store;

/**
 * An audit event as stored: its place in the chain and the two hashes that link it.
 *
 * @param prevHash the {@code rowHash} of the row before it ({@link AuditChain#GENESIS} for the first row)
 * @param rowHash  {@link AuditChain#rowHash} of this row
 * @param chainVersion how {@code rowHash} was computed: {@link AuditChain#KEYED} or {@link AuditChain#UNKEYED}
 */
public record AuditRecord(long id, AuditEvent event, String prevHash, String rowHash, int chainVersion) {
}
