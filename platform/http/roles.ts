import { ROLES, type Role } from '../../contract/auth.ts';
import { InputError } from '../errors.ts';

/**
 * Who may call what. A credential carries exactly one role; each route names the roles it accepts, and every
 * /v1 route must name them (the app refuses to start otherwise), so a route cannot be left open by omission.
 */
export { ROLES, type Role };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function checkRole(value: unknown, field = 'role'): Role {
  if (!isRole(value)) throw new InputError(`${field} must be one of ${ROLES.join(', ')}, got "${String(value)}"`, field);
  return value;
}

/**
 * The access groups routes use. Scoring prices is for those who build or approve quotes;
 * understanding customers' messages for the front ends that talk to them (the quotation engine's role); reads of model outputs
 * (recommendations, segments, demand) also for analysts; warehouse data for analysts and managers; free SQL over
 * the warehouse for analysts; operating the service for admins. Admins are in every group so one key can check the whole API.
 */
export const ACCESS = {
  score: ['quotation-engine', 'pricing-manager', 'admin'],
  converse: ['quotation-engine', 'admin'],
  read: ['quotation-engine', 'pricing-manager', 'analyst', 'admin'],
  data: ['pricing-manager', 'analyst', 'admin'],
  review: ['pricing-manager', 'admin'],
  query: ['analyst', 'admin'],
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
