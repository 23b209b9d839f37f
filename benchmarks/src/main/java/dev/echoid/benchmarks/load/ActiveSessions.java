package dev.echoid.benchmarks.load;

import java.io.IOException;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;

/**
 * The HTTP sessions each web application holds now, from Tomcat's session managers in the server's JMX
 * ({@code activeSessions}): shows what the memory figure covers. -1 when Tomcat registered no manager.
 */
public record ActiveSessions(int provider, int gateway) {

    static ActiveSessions now(MBeanServerConnection server) {
        int provider = -1;
        int gateway = -1;
        try {
            for (ObjectName manager : server.queryNames(new ObjectName("*:type=Manager,*"), null)) {
                String context = manager.getKeyProperty("context");
                int active = ((Number) server.getAttribute(manager, "activeSessions")).intValue();
                if ("/identity".equals(context)) {
                    provider = active;
                } else if ("/".equals(context) || "".equals(context)) {
                    gateway = active;
                }
            }
        } catch (JMException | IOException e) {
            throw new IllegalStateException("Tomcat's session managers cannot be read over JMX", e);
        }
        return new ActiveSessions(provider, gateway);
    }
}
