import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { CursorPageQueryDto } from '../../common/pagination/page-query.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CatalogItemResponseDto {
  @ApiProperty({ format: 'uuid', example: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d' }) id: string;
  @ApiProperty({ example: 'Travel' }) name: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '6400',
    description: 'Code used by accounting (e.g. the expense account)',
  })
  code: string | null;
  @ApiProperty({ example: true }) is_active: boolean;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T12:00:00.000Z' }) created_at: string;
}

export class CreateCatalogItemDto {
  @ApiProperty({ example: 'Travel', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: '6400', maxLength: 50, nullable: true, type: String })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Transform(trim)
  @IsString()
  @Length(1, 50)
  @Matches(/^[A-Za-z0-9._\-/]+$/, { message: 'may contain letters, digits and . _ - / only' })
  code?: string | null;
}

export class UpdateCatalogItemDto {
  @ApiPropertyOptional({ example: 'Travel & lodging', minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({
    example: '6410',
    maxLength: 50,
    nullable: true,
    type: String,
    description: 'null removes the code',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Transform(trim)
  @IsString()
  @Length(1, 50)
  @Matches(/^[A-Za-z0-9._\-/]+$/, { message: 'may contain letters, digits and . _ - / only' })
  code?: string | null;

  @ApiPropertyOptional({ example: true, description: 'false retires it (as DELETE does), true brings it back' })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;
}

export class ListCatalogQuery extends CursorPageQueryDto {
  @ApiPropertyOptional({ type: Boolean, example: true })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  is_active?: boolean;

  @ApiPropertyOptional({ description: 'Case-insensitive part of the name or code', example: 'trav' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}
