package io.llmrelay.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoTimestampTest {

    @Test
    void writesWhatTheIsoOffsetFormatterWritesInEveryZone() {
        SplittableRandom random = new SplittableRandom(7);
        for (String id : new String[] {"UTC", "Europe/Paris", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham"}) {
            ZoneId zone = ZoneId.of(id);
            IsoTimestamp stamp = new IsoTimestamp(zone);
            for (int i = 0; i < 2_000; i++) {
                // the same second often (the cached part), and seconds across two centuries
                long second = i % 3 == 0 ? 1_764_576_298L : random.nextLong(-2_000_000_000L, 5_000_000_000L);
                int nanos = switch (i % 4) {
                    case 0 -> 0;
                    case 1 -> random.nextInt(1_000) * 1_000_000;
                    default -> random.nextInt(1_000_000_000);
                };
                Instant t = Instant.ofEpochSecond(second, nanos);
                int n = stamp.format(t);
                assertThat(new String(stamp.chars(), 0, n)).as("%s in %s", t, id)
                        .isEqualTo(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atZone(zone)));
            }
        }
    }

    @Test
    void aChangeOfOffsetWithinTheDayIsFollowed() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        IsoTimestamp stamp = new IsoTimestamp(paris);
        Instant beforeSummerTime = Instant.parse("2026-03-29T00:59:59.5Z");
        Instant after = Instant.parse("2026-03-29T01:00:00.25Z");
        assertThat(new String(stamp.chars(), 0, stamp.format(beforeSummerTime))).isEqualTo("2026-03-29T01:59:59.5+01:00");
        assertThat(new String(stamp.chars(), 0, stamp.format(after))).isEqualTo("2026-03-29T03:00:00.25+02:00");
    }
}
