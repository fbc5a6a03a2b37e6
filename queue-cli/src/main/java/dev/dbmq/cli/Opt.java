package dev.dbmq.cli;

/**
 * An option a command accepts, as the parser and the help see it.
 *
 * @param name        its long name, {@code --db}
 * @param shortName   its one-letter name ({@code -v}), or null
 * @param valueLabel  the value it takes, as the help names it ({@code FILE|URL}); null for a flag
 * @param repeatable  whether it may be given more than once (each value kept)
 * @param description its line in the help
 */
record Opt(String name, String shortName, String valueLabel, boolean repeatable, String description) {

    /** An option that takes a value, once. */
    static Opt value(String name, String valueLabel, String description) {
        return new Opt(name, null, valueLabel, false, description);
    }

    /** An option that takes a value, and may be repeated. */
    static Opt repeatable(String name, String valueLabel, String description) {
        return new Opt(name, null, valueLabel, true, description);
    }

    /** A flag: present or not. */
    static Opt flag(String name, String description) {
        return new Opt(name, null, null, false, description);
    }

    /** A flag with a one-letter name too. */
    static Opt flag(String name, String shortName, String description) {
        return new Opt(name, shortName, null, false, description);
    }

    boolean takesValue() {
        return valueLabel != null;
    }

    boolean named(String given) {
        return name.equals(given) || given.equals(shortName);
    }

    /** How the help shows it: {@code -v, --verbose} or {@code     --db=FILE|URL}. */
    String synopsis() {
        return (shortName == null ? "    " : shortName + ", ") + name + (takesValue() ? "=" + valueLabel : "");
    }
}
