package dev.dbmq.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows as aligned columns, each as wide as its widest cell; numbers right-aligned. A cell's text is printed whole (no
 * truncation here: the caller decides what fits).
 */
final class TextTable {

    private final String[] header;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    /** Column names; a name ending in {@code >} is right-aligned (the {@code >} is not printed). */
    TextTable(String... header) {
        this.header = new String[header.length];
        this.right = new boolean[header.length];
        for (int i = 0; i < header.length; i++) {
            right[i] = header[i].endsWith(">");
            this.header[i] = right[i] ? header[i].substring(0, header[i].length() - 1) : header[i];
        }
    }

    TextTable row(Object... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("a row of " + header.length + " cells, was " + cells.length);
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = cells[i] == null ? "-" : cells[i].toString();
        }
        rows.add(row);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out) {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] row : rows) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        line(out, header, width);
        for (String[] row : rows) {
            line(out, row, width);
        }
    }

    private void line(PrintWriter out, String[] cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                b.append("  ");
            }
            String pad = " ".repeat(width[i] - cells[i].length());
            boolean last = i == cells.length - 1;
            b.append(right[i] ? pad + cells[i] : last ? cells[i] : cells[i] + pad);
        }
        out.println(b);
    }
}
