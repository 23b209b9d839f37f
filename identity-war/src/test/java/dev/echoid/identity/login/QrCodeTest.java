package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.echoid.identity.security.Totp;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The enrolment page's QR code: inline SVG made of squares only, which a QR reader decodes to the key URI. */
class QrCodeTest {

    private static final Pattern VIEW_BOX = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"");
    private static final Pattern SQUARE = Pattern.compile("M(\\d+),(\\d+)h1v1h-1z");
    private static final int SCALE = 4;

    @Test
    void svgDecodesToTheTextItEncodes() throws Exception {
        String uri = Totp.keyUri(SecondFactor.APP_LABEL, "ada", Totp.newSecret());
        assertThat(decode(QrCode.svg(uri))).isEqualTo(uri);
        assertThat(decode(QrCode.svg("hello"))).isEqualTo("hello");
    }

    @Test
    void svgIsOnlySquaresOnAWhiteGroundWithAQuietZone() {
        String svg = QrCode.svg("https://id.example/identity");
        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .contains("role=\"img\" aria-label=\"QR code for your authenticator app\"")
                .contains("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>")
                .endsWith("\"/></svg>")
                .doesNotContain("<script").doesNotContain("href");
        Matcher box = VIEW_BOX.matcher(svg);
        assertThat(box.find()).isTrue();
        int size = Integer.parseInt(box.group(1));
        assertThat(box.group(2)).isEqualTo(box.group(1));
        // at least version 1 (21 modules), and a margin of 4 on each side that stays white
        assertThat(size).isGreaterThanOrEqualTo(21 + 8);
        String path = svg.substring(svg.indexOf(" d=\"") + 4, svg.lastIndexOf('"'));
        assertThat(path.replaceAll(SQUARE.pattern(), "")).isEmpty();
        Matcher square = SQUARE.matcher(path);
        while (square.find()) {
            assertThat(Integer.parseInt(square.group(1))).isBetween(4, size - 5);
            assertThat(Integer.parseInt(square.group(2))).isBetween(4, size - 5);
        }
    }

    /** Paints the SVG's squares (black on white, each module SCALE pixels) and reads it with ZXing. */
    private static String decode(String svg) throws Exception {
        Matcher box = VIEW_BOX.matcher(svg);
        assertThat(box.find()).isTrue();
        int size = Integer.parseInt(box.group(1)) * SCALE;
        int[] pixels = new int[size * size];
        java.util.Arrays.fill(pixels, 0xFFFFFFFF);
        Matcher square = SQUARE.matcher(svg);
        while (square.find()) {
            int x = Integer.parseInt(square.group(1)) * SCALE;
            int y = Integer.parseInt(square.group(2)) * SCALE;
            for (int dy = 0; dy < SCALE; dy++) {
                for (int dx = 0; dx < SCALE; dx++) {
                    pixels[(y + dy) * size + x + dx] = 0xFF000000;
                }
            }
        }
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(size, size, pixels)));
        return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
    }
}
