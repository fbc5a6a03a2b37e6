package dev.dbmq.internal;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Durations as an operator reads them in a log line: {@code 15 s}, {@code 250 ms}, {@code 14 d}, not ISO-8601's
 * {@code PT15S} or {@code PT336H}. The largest unit that shows the value exactly; else seconds with their fraction.
 */
public final class Durations {

    private static final long[] NANOS = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L};
    private static final String[] UNITS = {"d", "h", "min", "s"};

    private Durations() {
    }

    public static String format(Duration d) {
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        if (d.isZero()) {
            return "0 s";
        }
        BigDecimal nanos = new BigDecimal(d.getSeconds()).scaleByPowerOfTen(9).add(BigDecimal.valueOf(d.getNano()));
        for (int i = 0; i < NANOS.length; i++) {
            BigDecimal[] qr = nanos.divideAndRemainder(BigDecimal.valueOf(NANOS[i]));
            if (qr[1].signum() == 0) {
                return qr[0].toPlainString() + " " + UNITS[i];
            }
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return nanos.scaleByPowerOfTen(-6).stripTrailingZeros().toPlainString() + " ms";
        }
        return nanos.scaleByPowerOfTen(-9).stripTrailingZeros().toPlainString() + " s";
    }
}
