package dev.echoid.benchmarks.load;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The server JVM's platform MBeans (its heap, Tomcat's session managers and caches), reached through the attach API:
 * a local management agent is started in it on first use, with no port and no option at its start. The agent's
 * threads stay in the server from then on, a few MiB of its memory.
 */
final class ServerJmx implements AutoCloseable {

    private final JMXConnector connector;

    private ServerJmx(JMXConnector connector) {
        this.connector = connector;
    }

    static ServerJmx attach(long pid) {
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                String address = vm.startLocalManagementAgent();
                return new ServerJmx(JMXConnectorFactory.connect(new JMXServiceURL(address)));
            } finally {
                vm.detach();
            }
        } catch (AttachNotSupportedException | IOException e) {
            throw new IllegalStateException("cannot attach to the server JVM " + pid + " for its MBeans", e);
        }
    }

    MBeanServerConnection connection() {
        try {
            return connector.getMBeanServerConnection();
        } catch (IOException e) {
            throw new IllegalStateException("the server JVM's MBeans are out of reach", e);
        }
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException ignored) {
            // the server is stopping; nothing to release on this side
        }
    }
}
