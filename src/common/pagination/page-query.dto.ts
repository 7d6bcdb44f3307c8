import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `limit` and `offset`, which every list endpoint takes. */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20, example: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    default: 0,
    example: 0,
    description: 'Ignored when `cursor` is given',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset: number = 0;
}

/** Lists of large tables also page by keyset: `cursor` takes the previous page's `next_cursor`. */
export class CursorPageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: "Opaque keyset cursor from a previous page's `next_cursor`; takes precedence over `offset`",
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
