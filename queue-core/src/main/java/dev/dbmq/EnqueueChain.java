package dev.dbmq;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one enqueue call through a queue's {@link EnqueueInterceptor}s, the first outermost, and guards it against
 * them: the call writes once and ends as its write did, whatever they throw or forget (see the interface). Immutable;
 * each call's state lives in its own {@link Call}, on the producer's thread.
 */
final class EnqueueChain {

    private static final Logger log = LoggerFactory.getLogger(EnqueueChain.class);

    /** The write an enqueue call makes, given its metadata column's value (null: none); returns the ids. */
    interface Write {
        List<Long> write(String metadata);
    }

    private final List<EnqueueInterceptor> interceptors;

    EnqueueChain(List<EnqueueInterceptor> interceptors) {
        this.interceptors = List.copyOf(interceptors);
    }

    boolean isEmpty() {
        return interceptors.isEmpty();
    }

    /** The write, through the interceptors; returns its ids or throws what it threw. */
    List<Long> run(String taskName, int taskCount, Write write) {
        Call call = new Call(taskName, taskCount, write);
        call.from(0);
        if (call.error != null) {
            throw Sneaky.<RuntimeException>rethrow(call.error);
        }
        return call.ids;
    }

    /** One enqueue call's state: its producer's thread only. */
    private final class Call {
        final String taskName;
        final int taskCount;
        final Write write;
        final Map<String, String> metadata = new LinkedHashMap<>();
        List<Long> ids;
        Throwable error; // what the write threw
        boolean written;

        Call(String taskName, int taskCount, Write write) {
            this.taskName = taskName;
            this.taskCount = taskCount;
            this.write = write;
        }

        /** Interceptor {@code i} around the rest, or the write when none is left. Never throws. */
        void from(int i) {
            if (i == interceptors.size()) {
                written = true;
                try {
                    ids = write.write(TaskMetadata.encode(metadata));
                } catch (Throwable t) {
                    error = t;
                }
                return;
            }
            EnqueueInterceptor interceptor = interceptors.get(i);
            Level level = new Level(this, i);
            Throwable thrown = null;
            try {
                interceptor.aroundEnqueue(level);
            } catch (Throwable t) {
                thrown = t;
            }
            if (!level.proceeded) {
                log.error("EnqueueInterceptor {} {} without proceeding; the enqueue of {} goes on without it",
                        describe(interceptor), thrown == null ? "returned" : "threw", taskName, thrown);
                level.undoPuts();
                from(i + 1);
            } else if (thrown != null && thrown != error) {
                log.error("EnqueueInterceptor {} threw after proceeding; the enqueue of {} ends as its write did",
                        describe(interceptor), taskName, thrown);
            } else if (thrown == null && error != null) {
                log.warn("EnqueueInterceptor {} swallowed the write's failure; the enqueue of {} throws it anyway",
                        describe(interceptor), taskName);
            }
        }
    }

    /** What interceptor {@code index} is given. */
    private static final class Level implements EnqueueInterceptor.Invocation {
        private final Call call;
        private final int index;
        private Map<String, String> before; // the metadata before this level's first put, to undo it if skipped
        boolean proceeded;

        Level(Call call, int index) {
            this.call = call;
            this.index = index;
        }

        @Override
        public String taskName() {
            return call.taskName;
        }

        @Override
        public int taskCount() {
            return call.taskCount;
        }

        @Override
        public void putMetadata(String key, String value) {
            if (proceeded || call.written) {
                throw new IllegalStateException("putMetadata(\"" + key + "\") after proceed(): the tasks of "
                        + call.taskName + " are written already");
            }
            TaskMetadata.checkEntry(call.metadata, key, value);
            if (before == null) {
                before = new LinkedHashMap<>(call.metadata);
            }
            call.metadata.put(key, value);
        }

        @Override
        public Map<String, String> metadata() {
            return java.util.Collections.unmodifiableMap(call.metadata);
        }

        @Override
        public List<Long> proceed() {
            if (proceeded) {
                throw new IllegalStateException("proceed() called twice for one enqueue of " + call.taskName);
            }
            proceeded = true;
            call.from(index + 1);
            if (call.error != null) {
                throw Sneaky.<RuntimeException>rethrow(call.error);
            }
            return call.ids;
        }

        void undoPuts() {
            if (before != null) {
                call.metadata.clear();
                call.metadata.putAll(before);
            }
        }
    }

    /** A user's object for a log line; its toString() is user code too. */
    static String describe(Object userObject) {
        try {
            return String.valueOf(userObject);
        } catch (Throwable t) {
            return userObject.getClass().getName();
        }
    }
}
