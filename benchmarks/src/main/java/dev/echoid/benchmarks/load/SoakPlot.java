package dev.echoid.benchmarks.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The soak's curves as a PNG, drawn with java.awt (headless): one panel per group of metrics, time in minutes across.
 * Memory in MiB; the purged tables' rows; the kept tables' rows; p99 per operation in ms on a log scale.
 */
final class SoakPlot {

    private static final int WIDTH = 1100;
    private static final int PANEL_HEIGHT = 250;
    private static final int LEFT = 70;
    private static final int RIGHT = 200;
    private static final int TOP = 30;
    private static final int BOTTOM = 30;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf), new Color(0x000000), new Color(0x6b6ecf), new Color(0xb5cf6b)};

    /** The purged tables that hold a row per token request: thousands, drawn apart from the smaller ones. */
    private static final List<String> TOKEN_TABLES = List.of("access_token", "refresh_token", "authorization_grant",
            "authorization_code");

    private SoakPlot() {
    }

    static void write(List<SoakSampler.Sample> samples, String title, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int panels = 5;
        BufferedImage image = new BufferedImage(WIDTH, panels * PANEL_HEIGHT + 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, LEFT, 20);

        Map<String, ToDoubleFunction<SoakSampler.Sample>> memory = new LinkedHashMap<>();
        memory.put("JVM RSS", s -> s.rssBytes() / 1048576.0);
        memory.put("heap committed", s -> s.heapCommittedBytes() / 1048576.0);
        memory.put("heap after forced full GC", s -> s.heapAfterGcBytes() / 1048576.0);
        panel(g, 0, "server JVM memory (MiB)", samples, memory, false);

        Map<String, ToDoubleFunction<SoakSampler.Sample>> tokens = new LinkedHashMap<>();
        Map<String, ToDoubleFunction<SoakSampler.Sample>> sessions = new LinkedHashMap<>();
        for (String table : SoakSampler.PURGED) {
            (TOKEN_TABLES.contains(table) ? tokens : sessions).put(table, s -> s.rows().getOrDefault(table, 0L));
        }
        sessions.put("gateway sessions", s -> s.gatewaySessions());
        panel(g, 1, "rows purged by housekeeping: codes, grants, tokens", samples, tokens, false);
        panel(g, 2, "rows purged by housekeeping: sessions, pending requests, throttles", samples, sessions, false);

        Map<String, ToDoubleFunction<SoakSampler.Sample>> kept = new LinkedHashMap<>();
        for (String table : SoakSampler.KEPT) {
            kept.put(table, s -> s.rows().getOrDefault(table, 0L));
        }
        panel(g, 3, "rows kept by design: the audit trail (never purged), users, clients, consents", samples, kept,
                false);

        Map<String, ToDoubleFunction<SoakSampler.Sample>> p99 = new LinkedHashMap<>();
        for (String operation : SoakLoad.OPERATIONS) {
            p99.put(operation, s -> {
                IntervalLatencies.Figures figures = s.operations().get(operation);
                return figures == null ? Double.NaN : figures.p99Millis();
            });
        }
        panel(g, 4, "p99 per operation over each interval (ms, log scale)", samples, p99, true);
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static void panel(Graphics2D g, int index, String title, List<SoakSampler.Sample> samples,
            Map<String, ToDoubleFunction<SoakSampler.Sample>> series, boolean log) {
        int top = 30 + index * PANEL_HEIGHT + TOP;
        int height = PANEL_HEIGHT - TOP - BOTTOM;
        int width = WIDTH - LEFT - RIGHT;
        double maxX = samples.isEmpty() ? 1 : Math.max(1, samples.get(samples.size() - 1).elapsedSeconds() / 60);
        double minY = log ? Double.MAX_VALUE : 0;
        double maxY = log ? 0 : 1;
        for (ToDoubleFunction<SoakSampler.Sample> f : series.values()) {
            for (SoakSampler.Sample s : samples) {
                double y = f.applyAsDouble(s);
                if (Double.isNaN(y) || (log && y <= 0)) {
                    continue;
                }
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
            }
        }
        if (log) {
            minY = minY == Double.MAX_VALUE ? 0.1 : Math.pow(10, Math.floor(Math.log10(minY)));
            maxY = maxY <= minY ? minY * 10 : Math.pow(10, Math.ceil(Math.log10(maxY)));
        } else {
            maxY = niceCeiling(maxY * 1.05);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, top - 8);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        g.setColor(new Color(0xdddddd));
        g.setStroke(new BasicStroke(1));
        // horizontal grid and labels
        if (log) {
            for (double y = minY; y <= maxY * 1.0001; y *= 10) {
                int py = yPixel(y, minY, maxY, log, top, height);
                g.setColor(new Color(0xdddddd));
                g.drawLine(LEFT, py, LEFT + width, py);
                g.setColor(Color.DARK_GRAY);
                g.drawString(label(y), 5, py + 4);
            }
        } else {
            for (int i = 0; i <= 4; i++) {
                double y = maxY * i / 4;
                int py = yPixel(y, minY, maxY, log, top, height);
                g.setColor(new Color(0xdddddd));
                g.drawLine(LEFT, py, LEFT + width, py);
                g.setColor(Color.DARK_GRAY);
                g.drawString(label(y), 5, py + 4);
            }
        }
        double stepX = maxX > 20 ? 5 : maxX > 6 ? 2 : 0.5;
        for (double x = 0; x <= maxX + 1e-9; x += stepX) {
            int px = LEFT + (int) (x / maxX * width);
            g.setColor(new Color(0xdddddd));
            g.drawLine(px, top, px, top + height);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label(x) + (x == 0 ? " min" : ""), px - 6, top + height + 14);
        }
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, top, width, height);
        int legend = 0;
        g.setStroke(new BasicStroke(1.6f));
        for (Map.Entry<String, ToDoubleFunction<SoakSampler.Sample>> line : series.entrySet()) {
            Color color = COLORS[legend % COLORS.length];
            g.setColor(color);
            int lastX = -1;
            int lastY = -1;
            for (SoakSampler.Sample s : samples) {
                double y = line.getValue().applyAsDouble(s);
                if (Double.isNaN(y) || (log && y <= 0)) {
                    lastX = -1;
                    continue;
                }
                int px = LEFT + (int) (s.elapsedSeconds() / 60 / maxX * width);
                int py = yPixel(y, minY, maxY, log, top, height);
                if (lastX >= 0) {
                    g.drawLine(lastX, lastY, px, py);
                }
                g.fillRect(px - 1, py - 1, 3, 3);
                lastX = px;
                lastY = py;
            }
            int ly = top + 4 + legend * 13;
            g.fillRect(LEFT + width + 10, ly, 14, 4);
            g.setColor(Color.BLACK);
            g.drawString(line.getKey(), LEFT + width + 30, ly + 6);
            legend++;
        }
    }

    private static int yPixel(double y, double minY, double maxY, boolean log, int top, int height) {
        double fraction = log ? (Math.log10(y) - Math.log10(minY)) / (Math.log10(maxY) - Math.log10(minY))
                : (y - minY) / (maxY - minY);
        return top + height - (int) Math.round(fraction * height);
    }

    private static double niceCeiling(double value) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(value, 1e-9))));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String label(double value) {
        if (value >= 1000) {
            return String.format("%,.0f", value);
        }
        if (value >= 10 || value == Math.rint(value)) {
            return String.format("%.0f", value);
        }
        return String.format("%.1f", value);
    }
}
