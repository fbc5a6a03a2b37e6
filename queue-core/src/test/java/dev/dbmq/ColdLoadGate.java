package dev.dbmq;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A class loader that gives a test a cold copy of dbmq, jOOQ and Jackson, and proves that dbmq's background threads
 * do their first use of jOOQ and Jackson only where producers can still enqueue.
 *
 * <p>Cold: classes of {@link #OWN} are loaded by this loader (child first), so none of them is loaded or initialised
 * yet, whatever the test JVM ran before; everything else (the JDK, the drivers, JUnit) comes from the parent.
 *
 * <p>The gate: when a thread of a foreman ({@link #GATED_THREADS}: the foreman thread, workers, wakeups) is about to
 * load a class of jOOQ or Jackson for the first time, it is held there until a producer thread of the test has run
 * the probe (a few enqueues) to completion. If the thread holds a lock or a connection the probe needs (SQLite's
 * connection lock, the last free connection of a pool), the probe can't complete and the thread is never released:
 * after {@code timeout} that is recorded as a stall, with the class and the thread's stack, and the gate opens for
 * good so the scenario can end. Where the thread holds nothing producers need, the probe takes milliseconds: the
 * margin is milliseconds against forever, not a timing. Class loading is where the cold work is (a fresh JVM's first
 * jOOQ statement is slow mostly because it loads and initialises jOOQ: README-bench, "A foreman's start"), so a
 * foreman that does such work inside the lock is caught at its first class, whatever statement it is in.
 *
 * <p>The probe runs on a thread of its own ("producer-probe"), one request at a time.
 */
final class ColdLoadGate extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    /** Loaded by this loader, cold. */
    static final List<String> OWN = List.of("dev.dbmq.", "org.jooq.", "com.fasterxml.jackson.");
    /** Whose first load by a foreman's thread waits for the probe. */
    static final List<String> GATED = List.of("org.jooq.", "com.fasterxml.jackson.");
    static final java.util.regex.Pattern GATED_THREADS =
            java.util.regex.Pattern.compile("dbmq[0-9]*-(foreman|worker-[0-9]+|wakeup|listen)");

    private final Duration timeout;
    private final Map<String, ProtectionDomain> domains = new ConcurrentHashMap<>();
    private final ExecutorService probeThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "producer-probe");
        t.setDaemon(true);
        return t;
    });
    // Set by the scenario once its queue is open; the gate is shut until then (no foreman thread exists yet).
    private volatile Runnable probe;
    // Set once a stall is recorded: the rest of the scenario runs ungated.
    private volatile boolean open;
    /** "thread class" for each first load a foreman's thread made while the probe went on. */
    final List<String> passed = new CopyOnWriteArrayList<>();
    /** What stalled the probe: the class, the thread, its stack. */
    final List<String> stalls = new CopyOnWriteArrayList<>();

    ColdLoadGate(ClassLoader parent, Duration timeout) {
        super("cold-load-gate", parent);
        this.timeout = timeout;
    }

    /** The scenario's producer: what a held thread waits for. */
    void probe(Runnable enqueues) {
        this.probe = enqueues;
    }

    /** Whether this loader has loaded the class (so it is not cold). */
    boolean loaded(String name) {
        return findLoadedClass(name) != null;
    }

    void shutdown() {
        probeThread.shutdownNow();
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!startsWithAny(name, OWN)) {
            return super.loadClass(name, resolve);
        }
        if (startsWithAny(name, GATED)) {
            holdForProbe(name);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = findClass(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    /** Before the class's loading lock is taken: a producer that needs the same class meanwhile loads it itself. */
    private void holdForProbe(String name) {
        Runnable p = probe;
        String thread = Thread.currentThread().getName();
        if (open || p == null || !GATED_THREADS.matcher(thread).matches() || findLoadedClass(name) != null) {
            return;
        }
        Future<?> run = probeThread.submit(p);
        try {
            run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            passed.add(thread + " " + name);
        } catch (TimeoutException e) {
            open = true;
            stalls.add(thread + " loading " + name + " held producers for " + timeout.toSeconds() + " s (the probe's"
                    + " enqueues never completed), at:" + stack());
        } catch (ExecutionException e) {
            open = true;
            stalls.add(thread + " loading " + name + ": the probe's enqueues failed (" + e.getCause() + "), at:"
                    + stack());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String stack() {
        return Arrays.stream(new Throwable().getStackTrace())
                .filter(f -> f.getClassName().startsWith("dev.dbmq.") && !f.getClassName().equals(
                        ColdLoadGate.class.getName()))
                .map(f -> "\n\t" + f)
                .collect(Collectors.joining());
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String path = name.replace('.', '/') + ".class";
        URL url = getParent().getResource(path);
        if (url == null) {
            throw new ClassNotFoundException(name);
        }
        try (InputStream in = url.openStream()) {
            byte[] bytes = in.readAllBytes();
            return defineClass(name, bytes, 0, bytes.length, domain(url, path));
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }

    /** The jar or directory the class came from, as its code source (some libraries read their own location). */
    private ProtectionDomain domain(URL url, String path) throws IOException {
        URL location = url.getProtocol().equals("jar") ? ((JarURLConnection) url.openConnection()).getJarFileURL()
                : new URL(url.toString().substring(0, url.toString().length() - path.length()));
        return domains.computeIfAbsent(location.toString(),
                k -> new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null, this, null));
    }

    private static boolean startsWithAny(String s, List<String> prefixes) {
        for (String p : prefixes) {
            if (s.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
