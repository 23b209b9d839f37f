package dev.echoid.identity.endpoint;

import dev.echoid.identity.login.BruteForceProtection;
import dev.echoid.identity.login.SecondFactor;
import dev.echoid.identity.protocol.OAuthException;
import dev.echoid.identity.protocol.Parameters;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.User;
import dev.echoid.identity.store.Users;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Account help for operators, behind {@code IDENTITY_ADMIN_TOKEN}: unlock a user name locked by the brute-force
 * defence, remove a user's second factor (a lost phone).
 */
@Path("admin/users/{username}")
public class AdminUsersEndpoint {

    private final AdminAccess adminAccess;
    private final BruteForceProtection bruteForce;
    private final Users users;
    private final SecondFactor secondFactor;
    private final AuditLog audit;

    public AdminUsersEndpoint(AdminAccess adminAccess, BruteForceProtection bruteForce, Users users,
            SecondFactor secondFactor, AuditLog audit) {
        this.adminAccess = adminAccess;
        this.bruteForce = bruteForce;
        this.users = users;
        this.secondFactor = secondFactor;
        this.audit = audit;
    }

    @POST
    @Path("unlock")
    @Produces(MediaType.APPLICATION_JSON)
    public Response unlock(@PathParam("username") String username,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context HttpServletRequest request) {
        Response refused = adminAccess.refusal(authorization, request);
        if (refused != null) {
            return refused;
        }
        refuseControlCharacters(username);
        boolean hadFailures = bruteForce.unlock(username);
        audit.record(AuditEvent.success(AuditEvent.Type.ACCOUNT_UNLOCKED, null, null, username,
                request.getRemoteAddr(), hadFailures ? "failures cleared by an operator" : "nothing to clear"));
        return answer(username, "unlocked", hadFailures);
    }

    @DELETE
    @Path("totp")
    @Produces(MediaType.APPLICATION_JSON)
    public Response resetSecondFactor(@PathParam("username") String username,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context HttpServletRequest request) {
        Response refused = adminAccess.refusal(authorization, request);
        if (refused != null) {
            return refused;
        }
        refuseControlCharacters(username);
        Optional<User> user = users.findByUsername(username);
        if (user.isEmpty()) {
            return NoStore.on(Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", "not_found", "error_description", "No such user"))).build();
        }
        boolean removed = secondFactor.reset(user.get().id());
        audit.record(AuditEvent.success(AuditEvent.Type.MFA_ENROLMENT, null, user.get().id(), username,
                request.getRemoteAddr(), removed ? "second factor removed by an operator" : "had no second factor"));
        return answer(username, "totp_removed", removed);
    }

    /** A user name with a control character names no one: refused before it reaches a statement. */
    private static void refuseControlCharacters(String username) {
        if (Parameters.hasControlCharacter(username)) {
            throw OAuthException.invalidRequest("The user name contains a control character");
        }
    }

    private static Response answer(String username, String what, boolean value) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put(what, value);
        return NoStore.on(Response.ok(body, MediaType.APPLICATION_JSON_TYPE)).build();
    }
}
