import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { isCurrency, MoneyError, parseAmount, parseRate } from './money';

/** An ISO-4217 currency that is money (not XAU, XXX, …). */
export function IsCurrencyCode(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCurrencyCode',
      target: target.constructor,
      propertyName,
      options: { message: 'must be an ISO-4217 currency code such as USD', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isCurrency(value) },
    });
}

/**
 * A positive decimal amount, as a string or a JSON number, with no more decimals than the
 * currency named by `currencyProperty` has. The message says what is wrong.
 */
export function IsMoneyAmount(currencyProperty: string, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isMoneyAmount',
      target: target.constructor,
      propertyName,
      constraints: [currencyProperty],
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const currency = (args.object as Record<string, unknown>)[currencyProperty];
          if (typeof value !== 'string' && typeof value !== 'number') return false;
          // Without a valid currency the currency field reports the problem.
          if (typeof currency !== 'string' || !isCurrency(currency)) return true;
          try {
            return parseAmount(value, currency) > 0n;
          } catch {
            return false;
          }
        },
        defaultMessage(args: ValidationArguments) {
          const currency = (args.object as Record<string, unknown>)[currencyProperty];
          try {
            if (typeof args.value !== 'string' && typeof args.value !== 'number')
              return 'must be a decimal amount such as "123.45"';
            if (parseAmount(args.value, String(currency)) === 0n) return 'must be greater than 0';
          } catch (error) {
            if (error instanceof MoneyError) return error.message;
          }
          return 'must be a decimal amount such as "123.45"';
        },
      },
    });
}

/** A positive decimal rate with at most 12 decimals. */
export function IsRate(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isRate',
      target: target.constructor,
      propertyName,
      options: { message: 'must be a positive decimal rate such as "1.0823" (12 decimals at most)', ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' && typeof value !== 'number') return false;
          try {
            parseRate(value);
            return true;
          } catch {
            return false;
          }
        },
      },
    });
}
