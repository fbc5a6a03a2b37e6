package dev.dbmq.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A command line parsed against the commands' specs: which command it names, the options given (by long name) and
 * the positional parameter. Typed accessors convert on demand and refuse a bad value as {@link UsageError} naming the
 * option, so a command converts its arguments in its constructor, before it touches a database.
 *
 * <p>The grammar is the usual one: options before or after the command's name, {@code --name value} or
 * {@code --name=value}, flags without a value, {@code --} ending options. The options in {@code common} are accepted
 * by every command, anywhere on the line.
 */
final class Arguments {

    private final CommandSpec command;
    private final Map<String, List<String>> options;
    private final List<String> parameters;
    private final InstantSource clock;

    private Arguments(CommandSpec command, Map<String, List<String>> options, List<String> parameters,
                      InstantSource clock) {
        this.command = command;
        this.options = options;
        this.parameters = parameters;
        this.clock = clock;
    }

    /**
     * Parses {@code args} from the {@code root} command down to the (sub)command they name.
     *
     * @param clock what relative times ("7d" ago) are relative to
     * @throws UsageError for an unknown command or option, a missing value, an option given twice, or a parameter
     *                    the command doesn't take
     */
    static Arguments parse(CommandSpec root, List<Opt> common, List<String> args, InstantSource clock) {
        CommandSpec command = root;
        Map<String, List<String>> options = new LinkedHashMap<>();
        List<String> parameters = new ArrayList<>();
        boolean onlyParameters = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!onlyParameters && arg.equals("--")) {
                onlyParameters = true;
            } else if (!onlyParameters && arg.length() > 1 && arg.startsWith("-")) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg : arg.substring(0, eq);
                CommandSpec current = command;
                Opt opt = find(current.options(), name).or(() -> find(common, name)).orElseThrow(
                        () -> new UsageError(current, "Unknown option: '" + name + "'" + suggestion(name,
                                Stream.concat(current.options().stream(), common.stream()).map(Opt::name).toList())));
                String value = null;
                if (opt.takesValue()) {
                    if (eq >= 0) {
                        value = arg.substring(eq + 1);
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i);
                    } else {
                        throw new UsageError(command, "Missing value for option '" + opt.name() + "' ("
                                + opt.valueLabel() + ")");
                    }
                } else if (eq >= 0) {
                    throw new UsageError(command, "Option '" + opt.name() + "' takes no value");
                }
                List<String> values = options.computeIfAbsent(opt.name(), k -> new ArrayList<>());
                if (!values.isEmpty() && !opt.repeatable()) {
                    throw new UsageError(command, "Option '" + opt.name() + "' should be given only once");
                }
                values.add(value);
            } else if (command.isGroup() && parameters.isEmpty()) {
                String name = arg;
                CommandSpec group = command;
                command = group.subcommand(name).orElseThrow(() -> new UsageError(group, "Unknown command: '"
                        + name + "'" + suggestion(name, group.subcommandNames())));
            } else if (command.parameter().isPresent() && parameters.isEmpty()) {
                parameters.add(arg);
            } else {
                throw new UsageError(command, "Unexpected argument: '" + arg + "'"
                        + (command.parameter().isPresent() ? " (" + command.path() + " takes one "
                        + command.parameter().get() + ")" : ""));
            }
        }
        return new Arguments(command, options, parameters, clock);
    }

    private static Optional<Opt> find(List<Opt> options, String name) {
        return options.stream().filter(o -> o.named(name)).findFirst();
    }

    /** ", did you mean …?" for the known words closest to a mistyped one (at most two edits away), else "". */
    static String suggestion(String typed, List<String> known) {
        List<String> close = known.stream()
                .filter(k -> distance(typed, k) <= 2)
                .sorted(Comparator.comparingInt(k -> distance(typed, k)))
                .toList();
        return close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    /** The (sub)command named. */
    CommandSpec command() {
        return command;
    }

    /** Bad usage of the command named: exit 2, with its usage printed. */
    UsageError usage(String message) {
        return new UsageError(command, message);
    }

    /** What relative times on the command line are relative to. */
    InstantSource clock() {
        return clock;
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    /** The option's value, or null when it was not given. */
    String value(String name) {
        List<String> values = options.get(name);
        return values == null ? null : values.get(0);
    }

    /** Every value of a repeatable option, in order; empty when it was not given. */
    List<String> values(String name) {
        return options.getOrDefault(name, List.of());
    }

    /** The positional parameter, or null. */
    String parameter() {
        return parameters.isEmpty() ? null : parameters.get(0);
    }

    Integer integer(String name) {
        return converted(name, value(name), Integer::valueOf);
    }

    Long longValue(String name) {
        return converted(name, value(name), Long::valueOf);
    }

    List<Long> longs(String name) {
        return values(name).stream().map(v -> converted(name, v, Long::valueOf)).toList();
    }

    Duration duration(String name) {
        return converted(name, value(name), TimeText::duration);
    }

    /** An ISO-8601 instant, or a duration ago ({@code 7d}) or from now ({@code +2h}), by {@link #clock()}. */
    Instant instant(String name) {
        return converted(name, value(name), text -> TimeText.instant(text, clock.instant()));
    }

    /** The positional parameter as a number, or null. */
    Long parameterAsLong() {
        String label = command.parameter().orElse("parameter");
        return converted(label, parameter(), Long::valueOf);
    }

    /** Null for null; a value the conversion refuses is bad usage naming the option and the value. */
    private <T> T converted(String name, String value, Function<String, T> conversion) {
        if (value == null) {
            return null;
        }
        try {
            return conversion.apply(value);
        } catch (NumberFormatException e) {
            throw usage("Invalid value for " + what(name) + ": '" + value + "' is not a whole number");
        } catch (IllegalArgumentException e) {
            throw usage("Invalid value for " + what(name) + ": " + e.getMessage());
        }
    }

    private static String what(String name) {
        return name.startsWith("-") ? "option '" + name + "'" : name;
    }
}
