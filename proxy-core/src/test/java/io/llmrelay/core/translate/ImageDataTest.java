package io.llmrelay.core.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageDataTest {

    @ParameterizedTest
    @CsvSource({
        // first bytes of a real file (hex)             , MIME
        "89504E470D0A1A0A0000000D49484452,               image/png",
        "FFD8FFE000104A46494600010100,                   image/jpeg",
        "FFD8FFE1001845786966,                           image/jpeg",
        "474946383961010001008000,                       image/gif",
        "474946383761010001008000,                       image/gif",
        "524946462400000057454250565038,                 image/webp",
        "52494646240000005741564566,                     image/jpeg",
        "424D361000000000000036000000,                   image/jpeg",
        "00000020667479706176696600,                     image/jpeg",
        "89504E,                                         image/jpeg",
        "'',                                             image/jpeg",
    })
    void mimeIsSniffedFromTheMagicBytesWithJpegAsDefault(String hex, String mime) {
        String base64 = Base64.getEncoder().encodeToString(hex(hex));
        assertThat(ImageData.sniff(base64)).isEqualTo(mime);
        assertThat(ImageData.dataUrl(base64)).isEqualTo("data:" + mime + ";base64," + base64);
    }

    @Test
    void aLongImageIsSniffedFromItsHeadOnly() {
        byte[] png = new byte[100_000];
        System.arraycopy(hex("89504E470D0A1A0A"), 0, png, 0, 8);
        String base64 = Base64.getEncoder().encodeToString(png);
        assertThat(ImageData.sniff(base64)).isEqualTo("image/png");
    }

    @Test
    void mimeBase64WithLineBreaksStillSniffs() {
        String base64 = Base64.getMimeEncoder(8, "\r\n".getBytes()).encodeToString(hex("89504E470D0A1A0A0000000D49484452"));
        assertThat(base64).contains("\r\n");
        assertThat(ImageData.sniff(base64)).isEqualTo("image/png");
    }

    @Test
    void aDataUrlPassesUnchanged() {
        assertThat(ImageData.dataUrl("data:image/webp;base64,UklGRg==")).isEqualTo("data:image/webp;base64,UklGRg==");
    }

    @Test
    void garbageIsJpeg() {
        assertThat(ImageData.sniff("!!!! not base64 at all ????")).isEqualTo("image/jpeg");
        assertThat(ImageData.sniff("A")).isEqualTo("image/jpeg");
    }

    private static byte[] hex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
