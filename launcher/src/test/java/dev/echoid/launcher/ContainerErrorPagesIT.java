package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.testkit.ServerDisclosure;
import dev.echoid.testkit.ServerDisclosure.Answer;
import dev.echoid.testkit.ServerDisclosure.Probe;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What an attacker's first malformed requests learn from the launcher's embedded Tomcat: the requests Tomcat
 * refuses itself, before either web application runs (request line or header too long, a control character in a
 * header, a broken escape or an encoded slash in the path, an unknown method, HTTP/0.9 and junk), sent to both
 * ports over a raw socket. No answer may carry a stack trace, an exception's class name, a product name or a
 * version, in its headers or its body; none is a 500 ({@link ServerDisclosure#acceptableStatus}).
 */
class ContainerErrorPagesIT {

    private static URI issuer;
    private static URI gateway;

    @BeforeAll
    static void start() {
        DevServer system = RunningSystem.get();
        issuer = URI.create(system.options().issuer());
        gateway = URI.create(system.options().gateway());
    }

    @TestFactory
    Stream<DynamicTest> malformedRequestToProviderPortWhenTomcatRefusesItThenAnswerRevealsNothing() {
        return probesFor(issuer, "/identity/");
    }

    @TestFactory
    Stream<DynamicTest> malformedRequestToGatewayPortWhenTomcatRefusesItThenAnswerRevealsNothing() {
        return probesFor(gateway, "/");
    }

    @Test
    void ordinaryRequestWhenAnsweredThenNoServerOrPoweredByHeader() throws Exception {
        for (URI server : List.of(issuer, gateway)) {
            String path = server.equals(issuer) ? "/identity/.well-known/openid-configuration" : "/health/live";
            Probe ordinary = new Probe("GET " + path, ("GET " + path + " HTTP/1.1\r\nHost: " + server.getAuthority()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            Answer answer = ServerDisclosure.send(server.getHost(), server.getPort(), ordinary);
            assertThat(answer.status()).as(ordinary.name()).isEqualTo(200);
            assertThat(answer.header("Server")).as(ordinary.name()).isEmpty();
            assertThat(answer.header("X-Powered-By")).as(ordinary.name()).isEmpty();
        }
    }

    private static Stream<DynamicTest> probesFor(URI server, String path) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Probe probe : ServerDisclosure.probes(server.getHost(), server.getPort(), path)) {
            tests.add(DynamicTest.dynamicTest(probe.name(), () -> {
                Answer answer = ServerDisclosure.send(server.getHost(), server.getPort(), probe);
                assertThat(ServerDisclosure.findings(answer)).as("%s:%n%s%n%n%s", probe.name(), answer.head(),
                        answer.body()).isEmpty();
                assertThat(ServerDisclosure.acceptableStatus(probe, answer.status())).as("%s: status %d%n%s",
                        probe.name(), answer.status(), answer.head()).isTrue();
            }));
        }
        return tests.stream();
    }
}
