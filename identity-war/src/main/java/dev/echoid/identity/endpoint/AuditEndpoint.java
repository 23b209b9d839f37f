package dev.echoid.identity.endpoint;

import dev.echoid.identity.audit.AuditJson;
import dev.echoid.identity.audit.AuditQuery;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Parameters;
import dev.echoid.identity.store.AuditTrail;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The audit trail for operators, behind {@code IDENTITY_ADMIN_TOKEN} like {@link AdminEndpoint}:
 * {@code GET admin/audit?login=ID}, {@code ?user=NAME_OR_ID&from=&to=}, {@code ?client=ID&from=&to=} list events in
 * order; {@code GET admin/audit/verify} checks the hash chain. Every answer is {@code no-store}.
 */
@Path("admin/audit")
public class AuditEndpoint {

    private static final Logger LOG = System.getLogger(AuditEndpoint.class.getName());

    private final AdminAccess adminAccess;
    private final AuditTrail auditTrail;

    public AuditEndpoint(AdminAccess adminAccess, AuditTrail auditTrail) {
        this.adminAccess = adminAccess;
        this.auditTrail = auditTrail;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response events(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context UriInfo uri,
            @Context HttpServletRequest request) {
        Response refused = adminAccess.refusal(authorization, request);
        if (refused != null) {
            return refused;
        }
        AuditQuery query = query(Parameters.of(uri.getQueryParameters()));
        LOG.log(Level.INFO, "Audit trail of {0} {1} read by {2}", query.kind(), query.value(),
                request.getRemoteAddr());
        return json(AuditJson.events(query, query.run(auditTrail)));
    }

    @GET
    @Path("verify")
    @Produces(MediaType.APPLICATION_JSON)
    public Response verify(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context HttpServletRequest request) {
        Response refused = adminAccess.refusal(authorization, request);
        if (refused != null) {
            return refused;
        }
        return json(AuditJson.verification(auditTrail.verify()));
    }

    private static AuditQuery query(Parameters params) {
        List<AuditQuery.Kind> kinds = new ArrayList<>();
        String value = null;
        for (AuditQuery.Kind kind : AuditQuery.Kind.values()) {
            Optional<String> given = params.optional(kind.name().toLowerCase(java.util.Locale.ROOT));
            if (given.isPresent()) {
                kinds.add(kind);
                value = given.get();
            }
        }
        if (kinds.size() != 1) {
            throw OAuthException.invalidRequest("Give exactly one of login, user or client");
        }
        try {
            return AuditQuery.of(kinds.get(0), value, params.optional("from").orElse(null),
                    params.optional("to").orElse(null));
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidRequest(e.getMessage());
        }
    }

    private static Response json(Object body) {
        return NoStore.on(Response.ok(body, MediaType.APPLICATION_JSON_TYPE)).build();
    }
}
