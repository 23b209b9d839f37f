package dev.echoid.identity.endpoint;

import dev.echoid.identity.metrics.Metrics;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * {@code GET /metrics}: every meter in the Prometheus text format 0.0.4. Readable from a loopback address (a scraper
 * or sidecar on the same host) that no proxy forwarded, or from anywhere with the bearer token
 * {@code IDENTITY_METRICS_TOKEN}.
 *
 * @see <a href="https://prometheus.io/docs/instrumenting/exposition_formats/">Prometheus exposition formats</a>
 */
@Path("metrics")
public class MetricsEndpoint {

    private static final String REALM = "Bearer realm=\"identity-metrics\"";

    private final Metrics metrics;

    public MetricsEndpoint(Metrics metrics) {
        this.metrics = metrics;
    }

    @GET
    public Response metrics(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context HttpServletRequest request) {
        if (!fromThisHost(request) && !metrics.acceptsToken(authorization)) {
            if (!metrics.tokenConfigured()) {
                return NoStore.on(Response.status(Response.Status.FORBIDDEN))
                        .entity(Map.of("error", "forbidden", "error_description",
                                "Metrics are served to this host only; set IDENTITY_METRICS_TOKEN to scrape from "
                                        + "elsewhere"))
                        .type("application/json").build();
            }
            return NoStore.on(Response.status(Response.Status.UNAUTHORIZED))
                    .header(HttpHeaders.WWW_AUTHENTICATE, authorization == null || authorization.isBlank()
                            ? REALM : REALM + ", error=\"invalid_token\"")
                    .build();
        }
        return NoStore.on(Response.ok(metrics.scrape(), Metrics.CONTENT_TYPE)).build();
    }

    /**
     * A loopback peer, and no forwarding header: a reverse proxy on this host would make every visitor look local,
     * so a request it forwarded needs the token.
     */
    static boolean fromThisHost(HttpServletRequest request) {
        if (request.getHeader("Forwarded") != null || request.getHeader("X-Forwarded-For") != null) {
            return false;
        }
        try {
            // an IP literal: no name lookup happens
            return InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
