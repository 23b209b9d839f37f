package dev.echoid.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What Linux's {@code /proc} says about a process (proc(5)): its CPU time and its resident memory. The driver reads
 * the server's processes from outside, so nothing it measures runs inside them.
 */
final class ProcFs {

    /** {@code sysconf(_SC_CLK_TCK)}: 100 on every Linux architecture Java runs on (the kernel's USER_HZ). */
    static final long TICKS_PER_SECOND = 100;

    private static final Path PROC = Paths.get("/proc");

    private ProcFs() {
    }

    /**
     * One line of {@code /proc/PID/stat}, in clock ticks.
     *
     * @param cutime CPU of this process's children that exited and were reaped (waited for) by it
     */
    record Stat(long pid, long ppid, long utime, long stime, long cutime, long cstime) {

        /** Its own CPU and that of its reaped children. */
        long totalTicks() {
            return utime + stime + cutime + cstime;
        }
    }

    static boolean available() {
        return Files.isReadable(PROC.resolve("self/stat"));
    }

    /** Empty when the process is gone. */
    static Optional<Stat> stat(long pid) {
        return read(PROC.resolve(Long.toString(pid)).resolve("stat")).map(line -> parse(pid, line));
    }

    /**
     * proc(5): field 2 is the command in parentheses, which may itself hold spaces and parentheses, so the fields are
     * counted from the last ')'; field 4 is ppid, 14 to 17 utime, stime, cutime, cstime.
     */
    static Stat parse(long pid, String line) {
        String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        return new Stat(pid, Long.parseLong(fields[1]), Long.parseLong(fields[11]), Long.parseLong(fields[12]),
                Long.parseLong(fields[13]), Long.parseLong(fields[14]));
    }

    /** Every process whose parent is {@code ppid}, from {@code /proc/*}{@code /stat}. */
    static List<Stat> children(long ppid) {
        List<Stat> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, entry -> isNumber(entry.getFileName()))) {
            for (Path entry : entries) {
                stat(Long.parseLong(entry.getFileName().toString()))
                        .filter(stat -> stat.ppid() == ppid)
                        .ifPresent(children::add);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return children;
    }

    /** A {@code kB} line of {@code /proc/PID/status} ({@code VmRSS}, {@code VmHWM}) in bytes; empty when gone. */
    static Optional<Long> statusBytes(long pid, String field) {
        return read(PROC.resolve(Long.toString(pid)).resolve("status")).flatMap(status -> status.lines()
                .filter(line -> line.startsWith(field + ":"))
                .findFirst()
                .map(line -> Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim()) * 1024));
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException gone) {
            // no such file, or a process that exited while it was read (ESRCH)
            return Optional.empty();
        }
    }

    private static boolean isNumber(Path name) {
        String text = name.toString();
        return !text.isEmpty() && text.chars().allMatch(Character::isDigit);
    }
}
