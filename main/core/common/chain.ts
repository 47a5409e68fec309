/**
 * The source chain of a role: role -> source role -> ... -> identity. Pure; shared by the
 * session manager (which identity signs, which endpoint), console sign-in and the window's
 * "via ..." labels.
 */
import type { Catalog, Identity } from './model';

/** Longest role -> role chain RoleTray follows (cycles are refused when roles are added). */
export const MAX_CHAIN_DEPTH = 5;

export interface SourceChain {
  /** Names from the root (identity, or the last name found) to the role's direct source. */
  chain: string[];
  /** The identity at the root, or null when the chain is broken, cyclic or too deep. */
  identity: Identity | null;
}

export function sourceChain(cat: Pick<Catalog, 'identities' | 'roles'>, roleName: string): SourceChain {
  const chain: string[] = [];
  let src = cat.roles.find((r) => r.name === roleName)?.source;
  for (let depth = 0; src !== undefined && depth <= MAX_CHAIN_DEPTH; depth++) {
    chain.unshift(src);
    const name: string = src;
    const identity = cat.identities.find((i) => i.name === name);
    if (identity) return { chain, identity };
    src = cat.roles.find((r) => r.name === name)?.source;
  }
  return { chain, identity: null };
}
