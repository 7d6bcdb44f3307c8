import { Foundation1732320000000 } from './1732320000000-Foundation';

/** Every migration, oldest first. Listed explicitly so that no glob can silently find none. */
export const MIGRATIONS = [Foundation1732320000000];
