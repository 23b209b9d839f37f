package dev.echoid.benchmarks.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;

/**
 * Heap in use in the server JVM after full collections, as its {@link MemoryMXBean} reports it: approximate, but
 * steady enough to compare a before with an after in the same JVM.
 */
final class HeapAfterGc {

    /** Seconds before a reading counts: Tomcat's background thread (every 10 s) closes the WARs' idle JAR files. */
    private static final int MIN_ROUNDS = 12;
    private static final int MAX_ROUNDS = 16;
    private static final long STEADY_BYTES = 64 * 1024;

    private HeapAfterGc() {
    }

    /**
     * Empties Tomcat's resource caches, then collects ({@code MemoryMXBean.gc()}: {@code System.gc()} in the server)
     * and waits a second, at least {@value #MIN_ROUNDS} times and until two readings agree within 64 KiB; returns the
     * last one.
     */
    static long usedBytes(MBeanServerConnection server) {
        clearResourceCaches(server);
        MemoryMXBean memory = memory(server);
        long previous = Long.MAX_VALUE;
        long used = 0;
        for (int round = 1; round <= MAX_ROUNDS; round++) {
            memory.gc();
            pause();
            used = memory.getHeapMemoryUsage().getUsed();
            if (round >= MIN_ROUNDS && Math.abs(used - previous) < STEADY_BYTES) {
                break;
            }
            previous = used;
        }
        return used;
    }

    /**
     * Each web application's cache of static resources and class-path lookups (up to 10 MiB) fills as requests come
     * and is trimmed by Tomcat's background thread on its own schedule: megabytes that have nothing to do with
     * sessions. It refills on demand.
     */
    private static void clearResourceCaches(MBeanServerConnection server) {
        try {
            for (ObjectName cache : server.queryNames(new ObjectName("*:type=WebResourceRoot,name=Cache,*"), null)) {
                server.invoke(cache, "clear", null, null);
            }
        } catch (JMException | IOException e) {
            throw new IllegalStateException("Tomcat's resource caches cannot be cleared over JMX", e);
        }
    }

    private static MemoryMXBean memory(MBeanServerConnection server) {
        try {
            return ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.MEMORY_MXBEAN_NAME,
                    MemoryMXBean.class);
        } catch (IOException e) {
            throw new IllegalStateException("the server JVM's memory MBean is out of reach", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring the heap", e);
        }
    }
}
