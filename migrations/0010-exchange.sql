-- Data exchange (src/modules/exchange/, docs/exchange.md): the schema its tables live in, and the
-- two permissions its routes ask for, added to the built-in roles that run systems. The security
-- auditor reads the exchange (its message log is evidence) but changes nothing in it.
create schema if not exists exchange;

update access.role
   set permissions = permissions || array['exchange.read', 'exchange.manage']
 where code in ('platform.system_admin', 'platform.department_admin');
update access.role
   set permissions = permissions || array['exchange.read']
 where code = 'platform.security_auditor';
