package dev.echoid.identity.endpoint;

import dev.echoid.identity.logout.BackchannelLogout;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Parameters;
import dev.echoid.identity.store.BackchannelOutbox;
import dev.echoid.identity.store.BackchannelOutbox.Entry;
import dev.echoid.identity.store.BackchannelOutbox.State;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The back-channel logout outbox for operators, behind {@code IDENTITY_ADMIN_TOKEN}: the entries pending or
 * dead-lettered (or delivered, until purged), and the retry of a dead letter (a new round of attempts from now).
 * No logout token is kept or shown: each attempt mints its own.
 */
@Path("admin/backchannel-logout")
public class AdminBackchannelEndpoint {

    private static final Logger LOG = System.getLogger(AdminBackchannelEndpoint.class.getName());
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;

    private final AdminAccess adminAccess;
    private final BackchannelOutbox outbox;
    private final BackchannelLogout delivery;

    public AdminBackchannelEndpoint(AdminAccess adminAccess, BackchannelOutbox outbox, BackchannelLogout delivery) {
        this.adminAccess = adminAccess;
        this.outbox = outbox;
        this.delivery = delivery;
    }

    /** {@code ?state=dead} (the default), {@code pending} or {@code delivered}; {@code &limit=} up to 1,000. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context UriInfo uri,
            @Context HttpServletRequest request) {
        Response refused = adminAccess.refusal(authorization, request);
        if (refused != null) {
            return refused;
        }
        Parameters parameters = Parameters.of(uri.getQueryParameters());
        String stateName = parameters.optional("state").orElse(State.DEAD.value());
        State state = State.of(stateName).orElseThrow(() -> OAuthException.invalidRequest(
                "state must be pending, delivered or dead"));
        int limit = parameters.optional("limit").map(AdminBackchannelEndpoint::limit).orElse(DEFAULT_LIMIT);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", state.value());
        body.put("entries", outbox.list(state, limit).stream().map(AdminBackchannelEndpoint::describe).toList());
        return NoStore.on(Response.ok(body, MediaType.APPLICATION_JSON_TYPE)).build();
    }

    @POST
    @Path("{id}/retry")
    @Produces(MediaType.APPLICATION_JSON)
    public Response retry(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id,
            @Context HttpServletRequest request) {
        Response refused = adminAccess.refusal(authorization, request);
        if (refused != null) {
            return refused;
        }
        UUID entryId;
        try {
            entryId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidRequest("the entry id must be a UUID");
        }
        Optional<Entry> retried = outbox.retry(entryId);
        if (retried.isEmpty()) {
            return NoStore.on(Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", "not_found", "error_description", "No dead-lettered entry with this id")))
                    .build();
        }
        LOG.log(Level.INFO, "Back-channel logout {0} to {1} retried by {2}", entryId, retried.get().clientId(),
                request.getRemoteAddr());
        delivery.wake();
        return NoStore.on(Response.ok(describe(retried.get()), MediaType.APPLICATION_JSON_TYPE)).build();
    }

    private static int limit(String value) {
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw OAuthException.invalidRequest("limit must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static Map<String, Object> describe(Entry entry) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", entry.id().toString());
        json.put("client_id", entry.clientId());
        json.put("sid", entry.ssoSessionId().toString());
        json.put("sub", entry.userId().toString());
        json.put("backchannel_logout_uri", entry.backchannelLogoutUri().toString());
        json.put("state", entry.state().value());
        json.put("attempts", entry.attempts());
        json.put("created_at", entry.createdAt().toString());
        json.put("queued_at", entry.queuedAt().toString());
        json.put("next_attempt_at", entry.nextAttemptAt().toString());
        if (entry.finishedAt() != null) {
            json.put("finished_at", entry.finishedAt().toString());
        }
        if (entry.lastError() != null) {
            json.put("last_error", entry.lastError());
        }
        if (entry.loginId() != null) {
            json.put("login_id", entry.loginId());
        }
        return json;
    }
}
