-- The test application's own Flyway migration, at Spring Boot's default location (PostgresAutoConfigurationTest).
CREATE TABLE app_user (id bigserial PRIMARY KEY, email text NOT NULL);
