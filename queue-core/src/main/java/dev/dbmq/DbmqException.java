package dev.dbmq;

/** The library's unchecked exception for what goes wrong at run time: the database, the lock, the wakeup dir. */
public class DbmqException extends RuntimeException {

    public DbmqException(String message) {
        super(message);
    }

    public DbmqException(String message, Throwable cause) {
        super(message, cause);
    }
}
