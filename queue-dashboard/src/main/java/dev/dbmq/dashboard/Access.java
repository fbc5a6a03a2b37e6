package dev.dbmq.dashboard;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What one request may do in the dashboard, as the application's resolver ({@link Dashboard.Builder#access}) decides
 * per request: look or not, and which {@link Action}s. Immutable.
 *
 * <ul>
 *   <li>{@link #FULL}: every action, args shown;</li>
 *   <li>{@link #READ_ONLY}: every page and listing, no action, args hidden;</li>
 *   <li>{@link #FORBIDDEN}: nothing: every request, the page included, is answered 403;</li>
 *   <li>{@link #allowing(Action...)}: looking, and exactly these actions.</li>
 * </ul>
 *
 * <pre>{@code
 * Dashboard.builder(queue).access(request -> request.principal().map(p -> p.getName().equals("ops")
 *         ? Access.FULL : Access.READ_ONLY).orElse(Access.FORBIDDEN)).build();
 * }</pre>
 */
public final class Access {

    /** Every action, args shown. */
    public static final Access FULL = new Access(true, EnumSet.allOf(Action.class));

    /** Every page and listing; no action; args and metadata hidden. The dashboard's default. */
    public static final Access READ_ONLY = new Access(true, EnumSet.noneOf(Action.class));

    /** Nothing: every request is answered 403. */
    public static final Access FORBIDDEN = new Access(false, EnumSet.noneOf(Action.class));

    private final boolean canView;
    private final Set<Action> actions;

    private Access(boolean canView, EnumSet<Action> actions) {
        this.canView = canView;
        this.actions = Collections.unmodifiableSet(actions);
    }

    /**
     * Looking, and exactly these actions: {@code Access.allowing(Action.REQUEUE)} lets an operator requeue failed
     * tasks but not delete them, cancel tasks or see args. With none, the same as {@link #READ_ONLY}.
     */
    public static Access allowing(Action... actions) {
        Objects.requireNonNull(actions, "actions");
        EnumSet<Action> set = EnumSet.noneOf(Action.class);
        for (Action a : actions) {
            set.add(Objects.requireNonNull(a, "actions must not hold null"));
        }
        return new Access(true, set);
    }

    /** Whether the pages and the read-only API may be seen at all; false only for {@link #FORBIDDEN}. */
    public boolean canView() {
        return canView;
    }

    /** Whether {@code action} is allowed. */
    public boolean allows(Action action) {
        return actions.contains(action);
    }

    /** The actions allowed, unmodifiable. */
    public Set<Action> actions() {
        return actions;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Access a && a.canView == canView && a.actions.equals(actions);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(canView) * 31 + actions.hashCode();
    }

    @Override
    public String toString() {
        if (!canView) {
            return "Access.FORBIDDEN";
        }
        if (equals(FULL)) {
            return "Access.FULL";
        }
        return actions.isEmpty() ? "Access.READ_ONLY" : "Access.allowing" + Arrays.toString(actions.toArray());
    }
}
