package dev.dbmq.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A command as the parser and the help see it: its name, what it does, its options, its one optional parameter, its
 * exit codes, and either the command it makes or its subcommands. Built once, in a command class's static
 * initializer, and only read afterwards.
 */
final class CommandSpec {

    /** Makes the command from its parsed arguments, refusing bad usage with {@link UsageError} (before any I/O). */
    interface Factory {
        Command make(Arguments arguments);
    }

    private final String path;
    private final Factory factory;
    private String summary = "";
    private final List<String> description = new ArrayList<>();
    private final List<Opt> options = new ArrayList<>();
    private final List<CommandSpec> subcommands = new ArrayList<>();
    private final List<String> exitCodes = new ArrayList<>();
    private String parameter;
    private String parameterDescription;
    private boolean hidden;

    private CommandSpec(String path, Factory factory) {
        this.path = path;
        this.factory = factory;
    }

    /** A command run by the object {@code factory} makes. */
    static CommandSpec command(String path, Factory factory) {
        return new CommandSpec(path, factory);
    }

    /** A command that only groups subcommands ({@code dbmq failed list}). */
    static CommandSpec group(String path) {
        return new CommandSpec(path, null);
    }

    /** Its line in its parent's list of commands. */
    CommandSpec summary(String summary) {
        this.summary = summary;
        return this;
    }

    /** Paragraphs of its help. */
    CommandSpec description(String... paragraphs) {
        description.addAll(List.of(paragraphs));
        return this;
    }

    CommandSpec options(Opt... options) {
        this.options.addAll(List.of(options));
        return this;
    }

    /** Its one optional positional parameter ({@code cancel ID}). */
    CommandSpec parameter(String label, String description) {
        this.parameter = label;
        this.parameterDescription = description;
        return this;
    }

    CommandSpec subcommands(CommandSpec... subcommands) {
        this.subcommands.addAll(List.of(subcommands));
        return this;
    }

    /** Lines of the help's "Exit codes:", e.g. {@code "0  done"}. */
    CommandSpec exitCodes(String... lines) {
        exitCodes.addAll(List.of(lines));
        return this;
    }

    /** Left out of its parent's list of commands (the wrapper script's {@code cds-training}). */
    CommandSpec hidden() {
        this.hidden = true;
        return this;
    }

    /** {@code dbmq failed requeue}. */
    String path() {
        return path;
    }

    boolean isGroup() {
        return factory == null;
    }

    Factory factory() {
        return factory;
    }

    List<Opt> options() {
        return options;
    }

    Optional<String> parameter() {
        return Optional.ofNullable(parameter);
    }

    Optional<CommandSpec> subcommand(String name) {
        return subcommands.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    List<String> subcommandNames() {
        return subcommands.stream().filter(s -> !s.hidden).map(CommandSpec::name).toList();
    }

    /** The last word of its path. */
    String name() {
        return path.substring(path.lastIndexOf(' ') + 1);
    }

    /** Its help, {@code common} being the options every command takes. */
    String help(List<Opt> common) {
        StringBuilder b = new StringBuilder("Usage: ").append(path);
        if (isGroup()) {
            b.append(" COMMAND");
        }
        if (parameter != null) {
            b.append(" [").append(parameter).append(']');
        }
        b.append(" [OPTIONS]\n");
        for (String paragraph : description) {
            b.append('\n');
            wrap(b, paragraph, 0);
        }
        if (isGroup()) {
            b.append("\nCommands:\n");
            int width = subcommands.stream().mapToInt(s -> s.name().length()).max().orElse(0);
            for (CommandSpec s : subcommands) {
                if (!s.hidden) {
                    String name = "  " + s.name() + " ".repeat(width - s.name().length() + 3);
                    b.append(name);
                    wrap(b, s.summary, name.length());
                }
            }
        }
        List<String[]> rows = new ArrayList<>();
        if (parameter != null) {
            rows.add(new String[] {"      " + parameter, parameterDescription});
        }
        options.forEach(o -> rows.add(new String[] {"  " + o.synopsis(), o.description()}));
        int split = rows.size();
        common.forEach(o -> rows.add(new String[] {"  " + o.synopsis(), o.description()}));
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0) + 3;
        for (int i = 0; i < rows.size(); i++) {
            if (i == 0 && split > 0) {
                b.append("\nOptions:\n");
            }
            if (i == split) {
                b.append(split > 0 ? "\nCommon options:\n" : "\nOptions:\n");
            }
            b.append(rows.get(i)[0]).append(" ".repeat(width - rows.get(i)[0].length()));
            wrap(b, rows.get(i)[1], width);
        }
        if (!exitCodes.isEmpty()) {
            b.append("\nExit codes:\n");
            exitCodes.forEach(line -> b.append("  ").append(line).append('\n'));
        }
        return b.toString();
    }

    static final int WIDTH = 100;

    /** Appends {@code text} in lines of at most {@link #WIDTH}, the first from the current column {@code indent}. */
    private static void wrap(StringBuilder b, String text, int indent) {
        int column = indent;
        boolean first = true;
        for (String word : text.split(" ")) {
            if (!first && column + 1 + word.length() > WIDTH) {
                b.append('\n').append(" ".repeat(indent));
                column = indent;
            } else if (!first) {
                b.append(' ');
                column++;
            }
            b.append(word);
            column += word.length();
            first = false;
        }
        b.append('\n');
    }
}
