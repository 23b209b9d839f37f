package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An attacker's 100 MiB request bodies: each is refused with a clear 4xx after at most a small part of it was read,
 * so memory is not spent on it (Jersey's readers buffer a body whole; Tomcat's form parsing is bounded by
 * {@code maxPostSize}). The body is produced while sending, never held by the test, and the answer must arrive while
 * most of it is still unsent.
 */
@Timeout(120)
class OversizedBodyIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HUNDRED_MIB = 100L * 1024 * 1024;
    /** What kernel socket buffers may hold beyond what the server read; far below 100 MiB. */
    private static final long SLACK = 16L * 1024 * 1024;

    private static String issuer;
    private static String gateway;

    @BeforeAll
    static void start() {
        DevServer system = RunningSystem.get();
        issuer = system.options().issuer();
        gateway = system.options().gateway();
    }

    @Test
    void tokenPostDeclaringHundredMebibytesIsRefused413BeforeItsBodyIsRead() throws Exception {
        Flood flood = Flood.send(issuer + "/token", "application/x-www-form-urlencoded", false);
        assertThat(flood.status()).as(flood.response()).isEqualTo(413);
        JsonNode answer = JSON.readTree(flood.body());
        assertThat(answer.path("error").asText()).isEqualTo("invalid_request");
        assertThat(answer.path("error_description").asText()).contains("larger than");
        assertThat(flood.sent()).isLessThan(SLACK);
    }

    @Test
    void chunkedTokenPostOfHundredMebibytesIsRefused413AfterTheLimit() throws Exception {
        Flood flood = Flood.send(issuer + "/token", "application/x-www-form-urlencoded", true);
        assertThat(flood.status()).as(flood.response()).isEqualTo(413);
        assertThat(JSON.readTree(flood.body()).path("error").asText()).isEqualTo("invalid_request");
        assertThat(flood.sent()).isLessThan(SLACK);
    }

    @Test
    void chunkedJsonPostToTheAdminApiIsRefused413AfterTheLimit() throws Exception {
        Flood flood = Flood.send(issuer + "/admin/keys/rotate", "application/json", true);
        assertThat(flood.status()).as(flood.response()).isEqualTo(413);
        assertThat(flood.sent()).isLessThan(SLACK);
    }

    @Test
    void backchannelLogoutPostOfHundredMebibytesIsRefusedWithAClear4xx() throws Exception {
        Flood flood = Flood.send(gateway + "/backchannel-logout", "application/x-www-form-urlencoded", false);
        assertThat(flood.status()).as(flood.response()).isBetween(400, 413);
        assertThat(flood.body()).doesNotContain("Exception").doesNotContain("Apache Tomcat");
        assertThat(flood.sent()).isLessThan(SLACK);
    }

    /** One request whose body of 100 MiB is written while the answer is read concurrently. */
    record Flood(int status, String response, String body, long sent) {

        static Flood send(String uri, String contentType, boolean chunked) throws Exception {
            URI target = URI.create(uri);
            AtomicLong sent = new AtomicLong();
            try (Socket socket = new Socket(target.getHost(), target.getPort())) {
                socket.setSoTimeout(60_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + target.getRawPath() + " HTTP/1.1\r\nHost: " + target.getAuthority()
                        + "\r\nContent-Type: " + contentType + "\r\nAccept: application/json\r\n"
                        + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + HUNDRED_MIB + "\r\n")
                        + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> read(socket));
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) 'a');
                byte[] chunkHead = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    while (sent.get() < HUNDRED_MIB && !answer.isDone()) {
                        if (chunked) {
                            out.write(chunkHead);
                        }
                        out.write(chunk);
                        if (chunked) {
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException closedByServer) {
                    // expected once the server has answered and closed the connection
                }
                String raw = answer.get(60, TimeUnit.SECONDS);
                int status = Integer.parseInt(raw.substring(9, 12));
                int end = raw.indexOf("\r\n\r\n");
                String body = end < 0 ? "" : raw.substring(end + 4);
                if (raw.toLowerCase().contains("transfer-encoding: chunked")) {
                    body = body.substring(body.indexOf("\r\n") + 2);
                    body = body.substring(0, body.lastIndexOf('}') + 1);
                }
                return new Flood(status, raw, body, sent.get());
            }
        }

        /** The response: status line, headers and (a complete, small) body, read until the server closes. */
        private static String read(Socket socket) {
            try {
                InputStream in = socket.getInputStream();
                StringBuilder raw = new StringBuilder();
                byte[] buffer = new byte[8192];
                int read;
                while ((read = in.read(buffer)) != -1) {
                    raw.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                }
                return raw.toString();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
