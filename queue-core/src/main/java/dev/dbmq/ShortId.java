package dev.dbmq;

/** Task ids for humans, as snappea writes them: the last six digits as {@code 012-345}. */
final class ShortId {

    private ShortId() {
    }

    static String of(long taskId) {
        String digits = String.format("%06d", taskId);
        int n = digits.length();
        return digits.substring(n - 6, n - 3) + "-" + digits.substring(n - 3);
    }
}
